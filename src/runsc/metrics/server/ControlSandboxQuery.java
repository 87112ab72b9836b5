// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import runsc.metrics.control.ControlClient;
import runsc.metrics.control.ControlException;
import runsc.metrics.control.FilterCheck;
import runsc.metrics.control.Savings;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.regex.Re2Pattern;
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
    public Snapshot export(LoadedSandbox sandbox, Optional<Re2Pattern> filter, long deadlineNanos) throws IOException {
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
     * @param filter        the metrics filter, if any
     * @param deadlineNanos a {@link System#nanoTime()} value: give up then
     * @return the snapshot as the sandbox sent it
     * @throws ControlException if the call fails or a returned metric does not match the filter
     */
    static Snapshot exportChecked(ControlClient client, String sandboxId, Path socket, Optional<Re2Pattern> filter,
                                  long deadlineNanos) throws ControlException {
        String source = filter.map(Re2Pattern::source).orElse("");
        Snapshot snapshot = client.exportMetrics(sandboxId, socket, source, deadlineNanos);
        if (filter.isPresent()) {
            Re2Pattern pattern = filter.get();
            FilterCheck.requireMatches(sandboxId, source, name -> matches(pattern, name), snapshot);
        }
        return snapshot;
    }

    @Override
    public Savings savings(LoadedSandbox sandbox, long deadlineNanos) throws IOException {
        return client.getSavings(sandbox.sandbox().id(), ControlSocket.resolve(sandbox.sandbox(), root), deadlineNanos);
    }

    /** A metric name that takes the matcher past its time budget counts as not matching. */
    private static boolean matches(Re2Pattern pattern, String name) {
        try {
            return pattern.find(name);
        } catch (RegexMatchLimitException e) {
            return false;
        }
    }
}
