// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.io.IOException;

/**
 * A registration the {@link Verifier} refuses, or a snapshot that breaks the registration or the
 * rules of monotonicity and freshness. Messages follow upstream's ({@code metric "fs_opens": counter
 * value decreased from 3 to 2}), starting lower-case so that a caller can put the sandbox in front.
 */
public final class VerificationException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong
     */
    public VerificationException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong
     * @param cause the exception this one adds context to
     */
    public VerificationException(String message, Throwable cause) {
        super(message, cause);
    }
}
