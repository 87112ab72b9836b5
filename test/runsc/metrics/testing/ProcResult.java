// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * What one finished subprocess produced.
 *
 * @param command the command line, for messages
 * @param exitCode its exit status
 * @param stdout its standard output, as bytes (byte counts are part of some checks)
 * @param stderr its standard error, decoded as UTF-8
 */
record ProcResult(List<String> command, int exitCode, byte[] stdout, String stderr) {
    ProcResult {
        command = List.copyOf(command);
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    /** Standard output decoded as UTF-8. */
    String out() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /** A one-line account for assertion messages. */
    String describe() {
        return String.join(" ", command) + " exited " + exitCode + "; stderr: " + stderr.strip();
    }
}
