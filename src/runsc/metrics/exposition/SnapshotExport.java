// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.util.Objects;

/**
 * A snapshot paired with the options it is written with.
 *
 * @param snapshot the snapshot
 * @param options its prefix and extra labels
 */
public record SnapshotExport(Snapshot snapshot, SnapshotOptions options) {
    /** Checks for nulls. */
    public SnapshotExport {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(options, "options");
    }
}
