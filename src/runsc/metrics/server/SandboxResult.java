// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

import runsc.metrics.exposition.Snapshot;

/** What one scrape got from one served sandbox. */
sealed interface SandboxResult {
    /** The sandbox. */
    ServedSandbox sandbox();

    /** Whether its process was alive right after the query (as upstream, checked after it). */
    boolean running();

    /**
     * A verified snapshot.
     *
     * @param sandbox  the sandbox
     * @param snapshot its data, verified
     * @param running  liveness after the query
     * @param usage    its resource usage, read after the snapshot was verified; empty unless
     *                 {@code --resource-stats} is on
     */
    record Ok(ServedSandbox sandbox, Snapshot snapshot, boolean running, Optional<ResourceUsage> usage)
            implements SandboxResult {
        /** Checks for null. */
        public Ok {
            Objects.requireNonNull(usage, "usage");
        }

        /** A verified snapshot without resource usage (the default: {@code --resource-stats} off). */
        Ok(ServedSandbox sandbox, Snapshot snapshot, boolean running) {
            this(sandbox, snapshot, running, Optional.empty());
        }
    }

    /**
     * No data this scrape.
     *
     * @param sandbox the sandbox
     * @param error   why: the query, the filter check or the verifier failed, or the deadline passed
     * @param running liveness after the query; a running sandbox counts as "broken metrics"
     */
    record Failed(ServedSandbox sandbox, IOException error, boolean running) implements SandboxResult {}
}
