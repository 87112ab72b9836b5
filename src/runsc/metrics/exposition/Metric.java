// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.util.Objects;
import java.util.Optional;

/**
 * The definition a data point carries: name (without exporter prefix), type and help text.
 *
 * <p>The type is kept as the raw wire code so that a snapshot holding an unknown code can be
 * represented: the writer skips such a point without writing a byte (as upstream does), and the
 * verifier rejects it because it never equals a registered definition. Equality is structural,
 * as Go's {@code ==} on the struct.
 *
 * @param name the unprefixed Prometheus name, for example {@code fs_opens}
 * @param typeCode the wire code of the type; see {@link MetricType}
 * @param help the help text (the registration's description)
 */
public record Metric(String name, int typeCode, String help) {
    /** Checks that no component is null. */
    public Metric {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(help, "help");
    }

    /**
     * Creates a metric of a known type.
     *
     * @param name the unprefixed Prometheus name
     * @param type the type
     * @param help the help text
     */
    public Metric(String name, MetricType type, String help) {
        this(name, type.code(), help);
    }

    /** {@return the type, or empty if {@link #typeCode()} is not a known code} */
    public Optional<MetricType> type() {
        return MetricType.ofCode(typeCode);
    }
}
