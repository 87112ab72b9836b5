// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import runsc.metrics.control.ContainerStats;
import runsc.metrics.control.ControlClient;
import runsc.metrics.control.ControlException;
import runsc.metrics.exposition.ExpositionWriter;
import runsc.metrics.gotext.GoQuote;
import runsc.metrics.exposition.LabeledSnapshot;
import runsc.metrics.exposition.PrefixAndLabels;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.exposition.WriteOptions;
import runsc.metrics.regex.MatchBudget;
import runsc.metrics.regex.Re2Pattern;
import runsc.metrics.regex.Re2SyntaxException;
import runsc.metrics.runtime.ContainerState;
import runsc.metrics.runtime.ControlSocket;
import runsc.metrics.runtime.FullId;
import runsc.metrics.runtime.HostCgroupCpu;
import runsc.metrics.runtime.IdResolver;
import runsc.metrics.runtime.ReadOutcome;
import runsc.metrics.runtime.RuntimeRoot;
import runsc.metrics.runtime.SandboxLabels;
import runsc.metrics.runtime.StateReader;

/**
 * What {@code export-metrics} does below its flags: one snapshot of the sandbox holding a container,
 * rendered with the bytes {@code runsc export-metrics} prints. As upstream, the snapshot is not
 * verified; only the filter is re-checked. Unlike upstream, every wait has a deadline: the
 * state-file lock ({@link #LOCK_WAIT}) and the sandbox's reply ({@link #REPLY_DEADLINE}).
 *
 * <p>Start-up time is most of this command's cost. Linking the {@code flock} downcall is its
 * largest single part, and only the locked read needs it; the JDK's Unix-socket set-up needs nothing
 * from the sandbox. So two daemon threads (they never hold up the exit) do those, while the calling
 * thread works ahead from a lock-less {@linkplain StateReader#peek peek} at the state file: it
 * fetches the snapshot and renders it in memory. Then it reads the file under the lock. The work
 * ahead is kept only if the locked read {@linkplain ReadOutcome.Loaded#confirmsPeek() confirms} the
 * peek; otherwise, and after any failure ahead, it is done again from the locked read, so what is
 * returned, error or data, is what the locked read gives.
 */
public final class OneShotExport {
    /** How long to wait for the state-file lock (runsc waits forever). */
    public static final Duration LOCK_WAIT = Duration.ofSeconds(10);
    /** How long the sandbox may take to answer, across the work ahead and its redo (runsc waits forever). */
    public static final Duration REPLY_DEADLINE = Duration.ofSeconds(30);

    /**
     * What to export and how.
     *
     * @param root           the runsc root directory
     * @param containerId    the container: an exact ID, else a unique prefix (as runsc)
     * @param exporterPrefix the prefix of every metric name
     * @param metricsFilter  the {@code --sandbox-metrics-filter} text, "" for none
     * @param timestamps     whether sample lines carry the snapshot time
     * @param resourceStats  whether to append the container's resource usage ({@code --resource-stats})
     */
    public record Request(Path root, String containerId, String exporterPrefix, String metricsFilter,
                          boolean timestamps, boolean resourceStats) {
        /** Checks for nulls. */
        public Request {
            Objects.requireNonNull(root, "root");
            Objects.requireNonNull(containerId, "containerId");
            Objects.requireNonNull(exporterPrefix, "exporterPrefix");
            Objects.requireNonNull(metricsFilter, "metricsFilter");
        }

        /**
         * A request without resource usage.
         *
         * @param root           the runsc root directory
         * @param containerId    the container
         * @param exporterPrefix the prefix of every metric name
         * @param metricsFilter  the filter text, "" for none
         * @param timestamps     whether sample lines carry the snapshot time
         */
        public Request(Path root, String containerId, String exporterPrefix, String metricsFilter, boolean timestamps) {
            this(root, containerId, exporterPrefix, metricsFilter, timestamps, false);
        }
    }

    private final Request request;
    private final Consumer<String> log;
    private final RuntimeRoot root;
    private final ControlClient client = new ControlClient();
    private FilterMatcher filter;

    private OneShotExport(Request request, Consumer<String> log) {
        this.request = request;
        this.log = log;
        this.root = new RuntimeRoot(request.root());
    }

    /**
     * Exports one snapshot.
     *
     * @param request what to export
     * @param log     receives one line per step worth knowing with {@code --debug}
     * @return the exposition text, complete; nothing of it has been written anywhere
     * @throws ExportException with runsc's words where runsc has them ({@code loading container: ...},
     *                         {@code ExportMetrics failed: ...}), else words that name the problem
     * @throws InterruptedException if interrupted while waiting for the lock
     */
    public static byte[] run(Request request, Consumer<String> log) throws ExportException, InterruptedException {
        Thread.ofPlatform().daemon().name("export-link").start(StateReader::linkNative);
        Thread.ofPlatform().daemon().name("export-prepare").start(ControlClient::prepare);
        return new OneShotExport(request, log).run();
    }

    private byte[] run() throws ExportException, InterruptedException {
        FullId id = resolve();
        StateReader reader = new StateReader(root);
        Optional<StateReader.Peek> peek = reader.peek(id);
        // One reply budget: a sandbox that stalls the work ahead must not get a second full wait
        // when the work is done again. The lock wait does not count.
        long deadline = System.nanoTime() + REPLY_DEADLINE.toNanos();
        byte[] ahead = null;
        if (peek.isPresent()) {
            try {
                ahead = render(peek.get().state(), deadline);
            } catch (ExportException e) {
                log.accept("working ahead failed, starting over under the lock: " + e.getMessage());
            }
        }
        long lockWaitStart = System.nanoTime();
        ReadOutcome.Loaded loaded = load(reader, id, peek.orElse(null));
        deadline += System.nanoTime() - lockWaitStart;
        return ahead != null && loaded.confirmsPeek() ? ahead : render(loaded.state(), deadline);
    }

    /** Finds the container as runsc does: exact ID, else unique prefix. */
    private FullId resolve() throws ExportException {
        try {
            return IdResolver.resolve(root, request.containerId());
        } catch (IOException e) {
            throw new ExportException("loading container: " + e.getMessage(), e);
        }
    }

    /** Reads the container's state under its lock, confirming {@code peek} if the bytes are the same. */
    private ReadOutcome.Loaded load(StateReader reader, FullId id, StateReader.Peek peek)
            throws ExportException, InterruptedException {
        return switch (reader.readWaiting(id, LOCK_WAIT, peek)) {
            case ReadOutcome.Loaded loaded -> loaded;
            case ReadOutcome.Gone gone -> throw new ExportException("loading container: " + IdResolver.NOT_FOUND
                    + ": container " + GoQuote.quote(id.containerId()) + " was deleted from root "
                    + GoQuote.quote(root.dir().toString()) + " while it was being read", null);
            case ReadOutcome.Locked locked -> throw new ExportException("loading container: state file "
                    + root.stateFile(id) + " is still locked after " + LOCK_WAIT.toSeconds() + " s", null);
            case ReadOutcome.Failed failed -> throw new ExportException("loading container: "
                    + failed.error().getMessage(), failed.error());
        };
    }

    /**
     * Fetches one snapshot of the container's sandbox and renders it. In memory: its size is bounded
     * by the reply limit ({@link ControlClient#MAX_REPLY_BYTES}), and nothing may be printed before
     * the locked read has confirmed the state it came from.
     */
    private byte[] render(ContainerState container, long deadline) throws ExportException {
        var sandbox = container.sandbox();
        String filterText = request.metricsFilter();
        FilterMatcher filter = filter();
        Snapshot snapshot;
        try {
            Path socket = ControlSocket.resolve(sandbox, root.dir());
            log.accept("exporting metrics of sandbox " + sandbox.id() + " over " + socket);
            snapshot = ControlSandboxQuery.exportChecked(client, sandbox.id(), socket, filter, deadline);
        } catch (ControlException e) {
            throw new ExportException("ExportMetrics failed: " + describe(e, sandbox.pid()), e);
        } catch (IOException e) {
            throw new ExportException("ExportMetrics failed: " + e.getMessage(), e);
        }
        // The iteration label comes from the named container's creation time, as in runsc.
        var naming = new PrefixAndLabels(request.exporterPrefix(), SandboxLabels.identity(sandbox, container.createdAt()));
        try {
            SnapshotCheck.requireWritable(snapshot, naming);
        } catch (IOException e) {
            throw new ExportException("ExportMetrics failed: " + e.getMessage(), e);
        }
        String header = "Command-line export for sandbox " + sandbox.id()
                + (filterText.isEmpty() ? "" : " (filtered using regular expression: " + GoQuote.quote(filterText) + ")");
        String trailer = request.resourceStats() ? resourceStats(container, naming, deadline) : "";
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(16 << 10);
        try {
            new ExpositionWriter().write(buffer, new WriteOptions(header, request.timestamps()),
                    List.of(new LabeledSnapshot(snapshot, naming)), trailer);
        } catch (IOException e) {
            // The snapshot passed the writer's check above, and a ByteArrayOutputStream does not fail.
            throw new UncheckedIOException("writing a checked snapshot to memory failed", e);
        }
        return buffer.toByteArray();
    }

    /**
     * With {@code --resource-stats}: the named container's usage, as {@code runsc events --stats ID}
     * reads it (one {@code containerManager.Event} call, then the host cgroup's CPU time), written
     * before the end marker. The user asked for it, so a failed call fails the command.
     */
    private String resourceStats(ContainerState container, PrefixAndLabels naming, long deadline) throws ExportException {
        var sandbox = container.sandbox();
        ContainerStats stats;
        try {
            Path socket = ControlSocket.resolve(sandbox, root.dir());
            log.accept("reading resource usage of container " + container.id() + " over " + socket);
            stats = client.containerStats(sandbox.id(), socket, container.id(), deadline);
        } catch (ControlException e) {
            throw new ExportException("reading resource usage (containerManager.Event) failed: "
                    + describe(e, sandbox.pid()), e);
        } catch (IOException e) {
            throw new ExportException("reading resource usage (containerManager.Event) failed: " + e.getMessage(), e);
        }
        StringBuilder text = new StringBuilder();
        StatsWriter.blockHeader(text);
        StatsWriter.write(request.exporterPrefix(), List.of(new StatsWriter.SandboxStats(sandbox.id(), naming.extraLabels(),
                List.of(stats), new HostCgroupCpu().cpuNanos(sandbox.pid()))), text);
        return StatsWriter.trailer(text);
    }

    /**
     * The metrics filter, compiled at its first use (so that a missing container is reported before a
     * bad filter, as by runsc) and kept, with one matching budget for the command.
     */
    private FilterMatcher filter() throws ExportException {
        if (filter == null) {
            String text = request.metricsFilter();
            try {
                filter = FilterMatcher.of(text.isEmpty() ? Optional.empty() : Optional.of(Re2Pattern.compile(text)),
                        MatchBudget.of(Re2Pattern.DEFAULT_MATCH_BUDGET));
            } catch (Re2SyntaxException e) {
                // The words a real sandbox answers with when it compiles the filter itself.
                throw new ExportException("ExportMetrics failed: cannot compile regexp " + GoQuote.quote(text)
                        + ": " + e.getMessage(), e);
            }
        }
        return filter;
    }

    /** runsc's words for a dead sandbox; our own (naming the socket and cause) for everything else. */
    private static String describe(ControlException e, long pid) {
        if (e.kind() == ControlException.Kind.CONNECT && String.valueOf(e.getMessage()).contains("refused")) {
            return "connecting to control server at PID " + pid + ": connection refused";
        }
        return e.remoteMessage().orElse(e.getMessage());
    }
}
