// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.io.IOException;

/**
 * A snapshot that cannot be written as valid text format: an empty label key, a label {@code le}
 * outside the bucket lines, the same label key from two sources, or a value that does not fit the
 * metric type. Upstream writes such points as a line cut off mid-way; this project refuses the
 * snapshot before writing any of it (see {@link ExpositionWriter#check}).
 */
public final class InvalidSnapshotException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, starting lower-case and naming the data point and the rule
     */
    public InvalidSnapshotException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong, starting lower-case and naming the data point and the rule
     * @param cause the exception this one adds context to
     */
    public InvalidSnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
