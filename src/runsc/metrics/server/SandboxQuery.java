// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.io.IOException;

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
}
