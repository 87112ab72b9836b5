// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One metric a sandbox registered at creation time ({@code MetricMetadata} in the state file).
 * Nothing is validated here beyond nulls: the {@link Verifier} applies upstream's rules, so that
 * a bad registration fails with upstream's message.
 *
 * @param name the path-style name, for example {@code /fs/opens}
 * @param prometheusName the name used in snapshots, for example {@code fs_opens}
 * @param description the help text snapshots must carry
 * @param cumulative whether a UINT64 metric is a counter (else a gauge)
 * @param typeCode the {@link ValueType} code as registered; unknown codes are kept
 * @param fields the fields in registration order
 * @param bucketLowerBounds the distribution bucket lower bounds (n+1 bounds for n finite buckets)
 */
public record RegisteredMetric(String name, String prometheusName, String description, boolean cumulative,
                               int typeCode, List<MetricField> fields, List<Long> bucketLowerBounds) {
    /** Checks for nulls and copies the lists. */
    public RegisteredMetric {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(prometheusName, "prometheusName");
        Objects.requireNonNull(description, "description");
        fields = List.copyOf(fields);
        bucketLowerBounds = List.copyOf(bucketLowerBounds);
    }

    /**
     * Creates a registered metric of a known type.
     *
     * @param name the path-style name
     * @param prometheusName the name used in snapshots
     * @param description the help text
     * @param cumulative whether a UINT64 metric is a counter
     * @param type the value type
     * @param fields the fields
     * @param bucketLowerBounds the distribution bucket lower bounds
     */
    public RegisteredMetric(String name, String prometheusName, String description, boolean cumulative,
                            ValueType type, List<MetricField> fields, List<Long> bucketLowerBounds) {
        this(name, prometheusName, description, cumulative, type.code(), fields, bucketLowerBounds);
    }

    /** {@return the value type, or empty for an unknown code} */
    public Optional<ValueType> type() {
        return ValueType.ofCode(typeCode);
    }
}
