// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.util.Optional;

/**
 * The Prometheus type of a metric as it travels in a snapshot ({@code metric.type}), with its
 * wire code and the word written after {@code # TYPE}.
 *
 * <p>Wire codes outside this set are legal on the wire and kept as raw integers in
 * {@link Metric#typeCode()}; {@link #ofCode(int)} tells them apart.
 */
public enum MetricType {
    /** Code 0. */
    UNTYPED(0, "untyped"),
    /** Code 1: a UINT64 metric that is not cumulative. */
    GAUGE(1, "gauge"),
    /** Code 2: a cumulative UINT64 metric. */
    COUNTER(2, "counter"),
    /** Code 3: a DISTRIBUTION metric. */
    HISTOGRAM(3, "histogram");

    private final int code;
    private final String text;

    MetricType(int code, String text) {
        this.code = code;
        this.text = text;
    }

    /** {@return the integer used on the wire} */
    public int code() {
        return code;
    }

    /** {@return the word written after {@code # TYPE <name> }} */
    public String text() {
        return text;
    }

    /**
     * {@return whether {@code code} is the wire code of a type, without the {@link Optional} of
     * {@link #ofCode}: the writer asks for every data point}
     *
     * @param code a wire code
     */
    public static boolean isKnown(int code) {
        return code >= UNTYPED.code && code <= HISTOGRAM.code;
    }

    /** {@return the type with this wire code, or empty for an unknown code} */
    public static Optional<MetricType> ofCode(int code) {
        return switch (code) {
            case 0 -> Optional.of(UNTYPED);
            case 1 -> Optional.of(GAUGE);
            case 2 -> Optional.of(COUNTER);
            case 3 -> Optional.of(HISTOGRAM);
            default -> Optional.empty();
        };
    }
}
