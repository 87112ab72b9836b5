// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.util.Objects;

/**
 * Options of one {@link ExpositionWriter#write write} call.
 *
 * @param commentHeader text written first as {@code # } comment lines, one per LF-separated
 *     piece; empty for none
 * @param timestamps whether sample lines end with the snapshot time in Unix milliseconds
 *     (upstream always writes it; node_exporter's textfile collector refuses it)
 */
public record WriteOptions(String commentHeader, boolean timestamps) {
    /** Options with no header and with timestamps, as the metric server writes. */
    public static final WriteOptions DEFAULT = new WriteOptions("", true);

    /** Checks for null. */
    public WriteOptions {
        Objects.requireNonNull(commentHeader, "commentHeader");
    }
}
