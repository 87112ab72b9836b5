// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.io.IOException;

import runsc.metrics.exposition.ExpositionWriter;
import runsc.metrics.exposition.InvalidSnapshotException;
import runsc.metrics.exposition.PrefixAndLabels;
import runsc.metrics.exposition.Snapshot;

/**
 * The checks a sandbox's snapshot passes before it is written, in the words the scrape and
 * {@code export-metrics} both report: {@code invalid snapshot: <the rule broken>}.
 */
final class SnapshotCheck {
    private SnapshotCheck() {}

    /**
     * The writer's own check (no line of the snapshot would be cut off mid-way), run before the
     * writer so that a bad snapshot costs only its sandbox and is never half written.
     *
     * @param snapshot the snapshot
     * @param naming   the prefix and identity labels it will be written with
     * @throws IOException {@code invalid snapshot: ...} naming the data point and the rule
     */
    static void requireWritable(Snapshot snapshot, PrefixAndLabels naming) throws IOException {
        try {
            ExpositionWriter.check(snapshot, naming);
        } catch (InvalidSnapshotException e) {
            throw invalid(e);
        }
    }

    /**
     * {@return the failure for a snapshot a check refused}
     *
     * @param e the check's exception, whose message names the rule
     */
    static IOException invalid(Exception e) {
        return new IOException("invalid snapshot: " + e.getMessage(), e);
    }
}
