// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.io.IOException;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import runsc.metrics.control.Savings;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.runtime.LoadedSandbox;

/**
 * Asks one sandbox for its metrics: the seam between scrape orchestration and the control socket,
 * so that the orchestration can be tested with scripted sandboxes.
 */
@FunctionalInterface
public interface SandboxQuery {
    /**
     * Exports one snapshot, already checked against the filter (every data point must match it).
     *
     * @param sandbox        the loaded sandbox (control socket path, ID)
     * @param filter         the metrics filter sent to the sandbox ({@link FilterMatcher#none()} for none)
     * @param deadlineNanos  a {@link System#nanoTime()} value: give up (and close the socket) then
     * @return the snapshot as the sandbox sent it
     * @throws IOException any failure, with a message that names the sandbox's problem
     */
    Snapshot export(LoadedSandbox sandbox, FilterMatcher filter, long deadlineNanos) throws IOException;

    /**
     * Asks a restored sandbox how much time its restore saved ({@code containerManager.GetSavings});
     * the server asks only while its state file says restored with both savings 0.
     *
     * @param sandbox       the loaded sandbox
     * @param deadlineNanos a {@link System#nanoTime()} value: give up then
     * @return the answer; {@link Savings.Unsupported} if the sandbox does not know the method
     * @throws IOException any failure
     */
    default Savings savings(LoadedSandbox sandbox, long deadlineNanos) throws IOException {
        return new Savings.Unsupported();
    }

    /**
     * Whether a scrape also reads each sandbox's resource usage ({@link #resourceUsage}): set by
     * {@code --resource-stats}, off by default so that the output stays upstream's bytes.
     *
     * @return true to read it
     */
    default boolean readsResourceUsage() {
        return false;
    }

    /**
     * Reads the resource usage of every container of a sandbox ({@code containerManager.Event}, one
     * call per container), within the sandbox's deadline. Failures are returned, not thrown: the
     * sandbox keeps its metric data whatever happens here.
     *
     * @param sandbox       the loaded sandbox
     * @param deadlineNanos a {@link System#nanoTime()} value: give up then
     * @return what answered, and the first failure
     */
    default ResourceUsage resourceUsage(LoadedSandbox sandbox, long deadlineNanos) {
        return new ResourceUsage(new StatsWriter.SandboxStats(sandbox.sandbox().id(), sandbox.identityLabels(), List.of(),
                OptionalLong.empty()), Optional.empty());
    }
}
