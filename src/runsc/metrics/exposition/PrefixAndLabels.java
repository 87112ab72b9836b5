// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.util.Map;
import java.util.Objects;

/**
 * How one snapshot is written: the prefix put before every metric name and the labels added to
 * every line (the sandbox identity labels).
 *
 * @param exporterPrefix the prefix, for example {@code runsc_}; may be empty
 * @param extraLabels labels added to every line of the snapshot, in any order
 */
public record PrefixAndLabels(String exporterPrefix, Map<String, String> extraLabels) {
    /** Checks for nulls and copies the labels. */
    public PrefixAndLabels {
        Objects.requireNonNull(exporterPrefix, "exporterPrefix");
        extraLabels = LabelMap.copyOf(extraLabels, "extra label");
    }
}
