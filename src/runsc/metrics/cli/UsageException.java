// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

/**
 * The command line is wrong: the message is printed, then the usage of the command concerned, and the
 * process exits with 128 as runsc does.
 */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
