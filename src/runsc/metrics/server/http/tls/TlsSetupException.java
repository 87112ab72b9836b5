// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.tls;

import java.io.Serial;

/** A TLS file that cannot be used: its message names the file and the problem. */
public final class TlsSetupException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the file (or files) and says what is wrong
     * @param cause   the underlying failure, or null
     */
    public TlsSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
