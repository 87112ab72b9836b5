// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import runsc.metrics.testing.Proc;
import runsc.metrics.testing.ProcResult;
import runsc.metrics.testing.Tools;

/**
 * {@code promtool check metrics} (Debian's prometheus 2.42), which parses its stdin with the
 * Prometheus text parser and then lints the names. This version has no {@code --lint=none}, so the
 * two outcomes are told apart by exit status and text: a parse error exits {@value #PARSE_ERROR}
 * with {@value #PARSE_ERROR_TEXT}; lint findings (such as "counter metrics should have _total
 * suffix", expected for runsc's names) exit {@value #LINT_FINDINGS} with one line per finding.
 */
final class Promtool {
    /** promtool's failureExitCode: the input did not parse. */
    static final int PARSE_ERROR = 1;
    /** promtool's lintErrExitCode: the input parsed, and the linter found naming problems. */
    static final int LINT_FINDINGS = 3;
    /** What promtool prints before the parser's message. */
    static final String PARSE_ERROR_TEXT = "error while linting:";

    private Promtool() {
    }

    /** Skips the calling test unless promtool is installed; returns its path. */
    static Path assumeInstalled() {
        return Tools.assume("promtool", "prometheus");
    }

    /** The parser's complaint about {@code exposition}, or empty when it parses. */
    static Optional<String> parseError(byte[] exposition) throws IOException, InterruptedException {
        Path promtool = assumeInstalled();
        ProcResult r = Proc.runWithInput(List.of(promtool.toString(), "check", "metrics"), exposition);
        if (r.exitCode() == 0 || (r.exitCode() == LINT_FINDINGS && !r.stderr().contains(PARSE_ERROR_TEXT))) {
            return Optional.empty();
        }
        if (r.exitCode() == PARSE_ERROR && r.stderr().contains(PARSE_ERROR_TEXT)) {
            return Optional.of(r.stderr().strip());
        }
        throw new AssertionError("unexpected promtool result: " + r.describe());
    }

    /**
     * The lint findings for {@code exposition}, one {@code "<metric name> <problem>"} line each (none
     * when promtool exits 0); fails if it does not parse.
     */
    static List<String> lintFindings(byte[] exposition) throws IOException, InterruptedException {
        Path promtool = assumeInstalled();
        ProcResult r = Proc.runWithInput(List.of(promtool.toString(), "check", "metrics"), exposition);
        if (r.exitCode() == 0) {
            return List.of();
        }
        if (r.exitCode() != LINT_FINDINGS || r.stderr().contains(PARSE_ERROR_TEXT)) {
            throw new AssertionError("promtool did not parse and lint the exposition: " + r.describe());
        }
        return r.stdout().lines().filter(l -> !l.isBlank()).toList();
    }

    /** Fails unless {@code exposition} parses; {@code what} names it in the message. */
    static void assertParses(byte[] exposition, String what) throws IOException, InterruptedException {
        Optional<String> error = parseError(exposition);
        assertTrue(error.isEmpty(), () -> "promtool cannot parse " + what + ": " + error.orElseThrow());
    }
}
