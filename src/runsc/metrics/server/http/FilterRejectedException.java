// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import java.io.IOException;

/**
 * A filter parameter of {@code /metrics} that the server will not apply, found before any sandbox
 * is queried; the answer is 400 with the message.
 */
public final class FilterRejectedException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the response body's text, naming the filter and the reason
     * @param cause   the underlying failure, may be null
     */
    public FilterRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
