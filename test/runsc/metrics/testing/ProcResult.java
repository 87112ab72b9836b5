// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * What one finished subprocess produced.
 *
 * @param command the command line, for messages
 * @param exitCode its exit status
 * @param output its standard output, as bytes (byte counts are part of some checks)
 * @param stderr its standard error, decoded as UTF-8
 */
public record ProcResult(List<String> command, int exitCode, byte[] output, String stderr) {
    /** Copies the command and rejects missing parts. */
    public ProcResult {
        command = List.copyOf(command);
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(stderr, "stderr");
    }

    /** Standard output decoded as UTF-8. */
    public String stdout() {
        return new String(output, StandardCharsets.UTF_8);
    }

    /** Exit status, stdout and stderr as one text, to compare two runs of a command (the arrays are not). */
    public String outcome() {
        return "exit " + exitCode + "\n--- stdout\n" + stdout() + "--- stderr\n" + stderr;
    }

    /** A one-line account for assertion messages: command, exit status and standard error. */
    public String describe() {
        return String.join(" ", command) + " exited " + exitCode + "; stderr: " + stderr.strip();
    }
}
