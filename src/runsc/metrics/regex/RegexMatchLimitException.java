// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.regex;

import java.io.IOException;

/** A match that ran out of its time budget or stack; the pattern is too costly for the input. */
public final class RegexMatchLimitException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what limit was hit, naming the pattern
     * @param cause the low-level cause, may be null
     */
    public RegexMatchLimitException(String message, Throwable cause) {
        super(message, cause);
    }
}
