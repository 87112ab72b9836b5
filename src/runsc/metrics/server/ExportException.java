// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

/**
 * {@link OneShotExport} failed; the message is the whole text for the user, in runsc's words where
 * runsc has them.
 */
public final class ExportException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the text for the user
     * @param cause   the underlying failure, may be null
     */
    public ExportException(String message, Throwable cause) {
        super(message, cause);
    }
}
