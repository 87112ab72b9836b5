// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.util.Objects;

/**
 * A snapshot with the prefix and labels it is written with.
 *
 * @param snapshot the snapshot
 * @param options its prefix and extra labels
 */
public record LabeledSnapshot(Snapshot snapshot, PrefixAndLabels options) {
    /** Checks for nulls. */
    public LabeledSnapshot {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(options, "options");
    }
}
