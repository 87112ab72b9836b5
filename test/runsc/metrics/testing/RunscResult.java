// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.testing;

import java.util.List;
import java.util.Objects;

/**
 * What one run of the real {@code runsc} binary produced.
 *
 * @param args the arguments after the binary, for messages
 * @param exitCode the exit status (runsc: 0 on success, 128 on failure)
 * @param stdout everything written to standard output, decoded as UTF-8
 * @param stderr everything written to standard error, decoded as UTF-8
 */
public record RunscResult(List<String> args, int exitCode, String stdout, String stderr) {
    /** Copies the arguments and rejects missing parts. */
    public RunscResult {
        args = List.copyOf(args);
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    /** A one-line account for assertion messages: command, exit code and standard error. */
    public String describe() {
        return "runsc " + String.join(" ", args) + " exited " + exitCode + ", stderr: " + stderr.strip();
    }
}
