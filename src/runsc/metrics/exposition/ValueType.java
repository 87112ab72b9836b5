// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.util.Optional;

/**
 * The value type of a registered metric ({@code MetricMetadata.type} in the state file), with its
 * protobuf enum code. Other codes are kept raw in {@link RegisteredMetric#typeCode()} and make the
 * verifier refuse the registration ({@code invalid type: N}).
 */
public enum ValueType {
    /** Code 0: a gauge, or a counter when the metric is cumulative. */
    UINT64(0),
    /** Code 1: a histogram. */
    DISTRIBUTION(1);

    private final int code;

    ValueType(int code) {
        this.code = code;
    }

    /** {@return the protobuf enum code} */
    public int code() {
        return code;
    }

    /** {@return the type with this code, or empty for an unknown code} */
    public static Optional<ValueType> ofCode(int code) {
        return code == 0 ? Optional.of(UINT64) : code == 1 ? Optional.of(DISTRIBUTION) : Optional.empty();
    }
}
