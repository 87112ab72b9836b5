// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

/**
 * A command failed for a reason the user can act on (a sandbox not found, a socket in use): only the
 * message is printed, without usage, and the process exits with 128. Messages follow runsc's where
 * there is one to follow (for example {@code loading container: file does not exist}).
 */
public final class CliException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the whole line to print on stderr
     */
    public CliException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause (for callers and tests: only the message is printed).
     *
     * @param message the whole line to print on stderr
     * @param cause   what went wrong underneath
     */
    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
