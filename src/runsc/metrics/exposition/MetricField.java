// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.util.List;
import java.util.Objects;

/**
 * A field (label) of a registered metric and the values it may take.
 *
 * @param name the field name, which becomes a label key
 * @param allowedValues the allowed values in registration order
 */
public record MetricField(String name, List<String> allowedValues) {
    /** Checks for nulls and copies the values. */
    public MetricField {
        Objects.requireNonNull(name, "name");
        allowedValues = List.copyOf(allowedValues);
    }
}
