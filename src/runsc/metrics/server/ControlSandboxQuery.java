// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.io.IOException;
import java.nio.file.Path;

import runsc.metrics.control.ControlClient;
import runsc.metrics.control.ControlException;
import runsc.metrics.control.FilterCheck;
import runsc.metrics.control.Savings;
import runsc.metrics.exposition.Data;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.regex.RegexMatchLimitException;
import runsc.metrics.runtime.ControlSocket;
import runsc.metrics.runtime.LoadedSandbox;

/**
 * Queries a real (or simulated) sandbox over its control socket: {@code Metrics.Export} with the
 * filter, then the client-side check that every returned metric matches it (a sandbox that ignores
 * the filter is an error, as upstream).
 */
public final class ControlSandboxQuery implements SandboxQuery {
    private final ControlClient client = new ControlClient();
    private final Path root;

    /**
     * Creates a query for sandboxes of one root directory.
     *
     * @param root the runsc root, for the control socket fallback path
     */
    public ControlSandboxQuery(Path root) {
        this.root = root;
    }

    @Override
    public Snapshot export(LoadedSandbox sandbox, FilterMatcher filter, long deadlineNanos) throws IOException {
        return exportChecked(client, sandbox.sandbox().id(), ControlSocket.resolve(sandbox.sandbox(), root), filter,
                deadlineNanos);
    }

    /**
     * {@code Metrics.Export} with the filter, then the check that every returned metric matches it:
     * the one export path of the metric server and {@code export-metrics}.
     *
     * @param client        the client
     * @param sandboxId     the sandbox, for messages
     * @param socket        its control socket
     * @param filter        the metrics filter
     * @param deadlineNanos a {@link System#nanoTime()} value: give up then
     * @return the snapshot as the sandbox sent it
     * @throws ControlException if the call fails or a returned metric does not match the filter
     * @throws RegexMatchLimitException if matching the returned names ran past the filter's budget
     */
    static Snapshot exportChecked(ControlClient client, String sandboxId, Path socket, FilterMatcher filter,
                                  long deadlineNanos) throws IOException {
        Snapshot snapshot = client.exportMetrics(sandboxId, socket, filter.source(), deadlineNanos);
        if (filter.isPresent()) {
            // Match first, so that a filter too costly for its budget is reported as that.
            for (Data d : snapshot.data()) {
                filter.matches(d.metric().name());
            }
            FilterCheck.requireMatches(sandboxId, filter.source(), filter::matchedBefore, snapshot);
        }
        return snapshot;
    }
    @Override
    public Savings savings(LoadedSandbox sandbox, long deadlineNanos) throws IOException {
        return client.getSavings(sandbox.sandbox().id(), ControlSocket.resolve(sandbox.sandbox(), root), deadlineNanos);
    }
}
