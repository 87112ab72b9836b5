// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.unix;

import java.io.IOException;

/** A request the server will not read further; answered with {@link #status()} and then closed. */
final class Http11Exception extends IOException {
    private static final long serialVersionUID = 1L;

    /** @serial the status code of the answer */
    private final int status;

    Http11Exception(int status, String message) {
        super(message);
        this.status = status;
    }

    int getStatus() {
        return status;
    }
}
