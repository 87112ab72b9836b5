// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import runsc.metrics.control.ContainerStats;
import runsc.metrics.control.ControlClient;
import runsc.metrics.control.ControlException;
import runsc.metrics.control.FilterCheck;
import runsc.metrics.control.Savings;
import runsc.metrics.exposition.Data;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.regex.RegexMatchLimitException;
import runsc.metrics.runtime.ContainerState;
import runsc.metrics.runtime.ContainerStatus;
import runsc.metrics.runtime.ControlSocket;
import runsc.metrics.runtime.HostCgroupCpu;
import runsc.metrics.runtime.LoadedSandbox;

/**
 * Queries a real (or simulated) sandbox over its control socket: {@code Metrics.Export} with the
 * filter, then the client-side check that every returned metric matches it (a sandbox that ignores
 * the filter is an error, as upstream); with {@code --resource-stats}, also
 * {@code containerManager.Event} for each container.
 */
public final class ControlSandboxQuery implements SandboxQuery {
    private final ControlClient client = new ControlClient();
    private final Path root;
    private final boolean resourceStats;
    private final HostCgroupCpu hostCpu = new HostCgroupCpu();

    /**
     * Creates a query for sandboxes of one root directory, metrics only.
     *
     * @param root the runsc root, for the control socket fallback path
     */
    public ControlSandboxQuery(Path root) {
        this(root, false);
    }

    /**
     * Creates a query for sandboxes of one root directory.
     *
     * @param root          the runsc root, for the control socket fallback path
     * @param resourceStats whether scrapes also read resource usage ({@code --resource-stats})
     */
    public ControlSandboxQuery(Path root, boolean resourceStats) {
        this.root = root;
        this.resourceStats = resourceStats;
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

    @Override
    public boolean readsResourceUsage() {
        return resourceStats;
    }

    /**
     * One {@code containerManager.Event} call per container not known to be stopped, as
     * {@code runsc events --stats} makes for one; then the host cgroup's CPU time of the sandbox
     * process, which scales the sandbox's own CPU accounting as runsc does. A container whose call
     * fails is left out, and the first failure is returned with the others' stats.
     */
    @Override
    public ResourceUsage resourceUsage(LoadedSandbox sandbox, long deadlineNanos) {
        String id = sandbox.sandbox().id();
        List<ContainerStats> answered = new ArrayList<>(sandbox.containers().size());
        IOException failure = null;
        try {
            Path socket = ControlSocket.resolve(sandbox.sandbox(), root);
            for (ContainerState container : sandbox.containers()) {
                if (container.status() == ContainerStatus.STOPPED) {
                    continue;
                }
                try {
                    answered.add(client.containerStats(id, socket, container.id(), deadlineNanos));
                } catch (ControlException e) {
                    failure = failure == null ? e : failure;
                }
            }
        } catch (IOException e) {
            failure = e;
        }
        OptionalLong host = answered.isEmpty() ? OptionalLong.empty() : hostCpu.cpuNanos(sandbox.sandbox().pid());
        return new ResourceUsage(new StatsWriter.SandboxStats(id, sandbox.identityLabels(), answered, host),
                Optional.ofNullable(failure));
    }
}
