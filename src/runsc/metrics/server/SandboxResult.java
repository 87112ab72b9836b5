// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.io.IOException;

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
     */
    record Ok(ServedSandbox sandbox, Snapshot snapshot, boolean running) implements SandboxResult {}

    /**
     * No data this scrape.
     *
     * @param sandbox the sandbox
     * @param error   why: the query, the filter check or the verifier failed, or the deadline passed
     * @param running liveness after the query; a running sandbox counts as "broken metrics"
     */
    record Failed(ServedSandbox sandbox, IOException error, boolean running) implements SandboxResult {}
}
