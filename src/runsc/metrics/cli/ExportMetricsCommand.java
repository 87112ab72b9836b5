// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import runsc.metrics.control.ControlClient;
import runsc.metrics.control.ControlException;
import runsc.metrics.control.FilterCheck;
import runsc.metrics.exposition.ExportOptions;
import runsc.metrics.exposition.ExpositionWriter;
import runsc.metrics.exposition.GoQuote;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.exposition.SnapshotExport;
import runsc.metrics.exposition.SnapshotOptions;
import runsc.metrics.regex.Re2Pattern;
import runsc.metrics.regex.Re2SyntaxException;
import runsc.metrics.regex.RegexMatchLimitException;
import runsc.metrics.runtime.ContainerState;
import runsc.metrics.runtime.ControlSocket;
import runsc.metrics.runtime.FullId;
import runsc.metrics.runtime.IdResolver;
import runsc.metrics.runtime.ReadOutcome;
import runsc.metrics.runtime.RuntimeRoot;
import runsc.metrics.runtime.SandboxLabels;
import runsc.metrics.runtime.StateReader;

/**
 * {@code export-metrics}: one snapshot of the sandbox holding a container, on stdout, with the bytes
 * {@code runsc export-metrics} prints, except that the {@code Wrote N bytes} line goes to stderr so
 * that stdout is a valid exposition file. As upstream, the snapshot is not verified; only the filter
 * is re-checked. Unlike upstream, every wait has a deadline: the state-file lock
 * ({@value #LOCK_WAIT_SECONDS} s) and the sandbox's reply ({@value #EXPORT_DEADLINE_SECONDS} s).
 */
final class ExportMetricsCommand implements Command {
    /** How long to wait for the state-file lock (runsc waits forever). */
    static final int LOCK_WAIT_SECONDS = 10;
    /** How long the sandbox may take to answer (runsc waits forever). */
    static final int EXPORT_DEADLINE_SECONDS = 30;

    @Override
    public String name() {
        return "export-metrics";
    }

    @Override
    public String synopsis() {
        return "export-metrics [-exporter-prefix=<runsc_>] <container id> - prints sandbox metric data in Prometheus metric format";
    }

    @Override
    public String summary() {
        return "prints one metric snapshot of a sandbox to stdout";
    }

    @Override
    public Action define(FlagSet flags) {
        FlagSet.Flag<String> prefix = flags.string("exporter-prefix", "runsc_",
                "Prefix for all metric names, following Prometheus exporter convention");
        FlagSet.Flag<String> filter = flags.string("sandbox-metrics-filter", "",
                "If set, filter exported metrics using the specified regular expression. "
                        + "This filtering is applied before adding --exporter-prefix.");
        FlagSet.Flag<Boolean> noTimestamps = flags.bool("no-timestamps",
                "Leave out sample timestamps, as node_exporter's textfile collector requires.");
        return invocation -> {
            if (invocation.arguments().isEmpty()) {
                throw new UsageException("");
            }
            // runsc 20240729 takes the first argument and ignores the rest; so do we.
            return export(invocation, invocation.arguments().getFirst(), prefix.get(), filter.get(), !noTimestamps.get());
        };
    }

    private static int export(Invocation invocation, String partialId, String prefix, String filterText,
                              boolean timestamps) throws CliException, InterruptedException {
        // Start-up (BENCHMARKS.md run 6). Linking the flock downcall is this command's largest
        // single cost, and only the locked read needs it; the JDK's Unix-socket set-up needs nothing
        // from the sandbox. So two daemon threads (they never hold up the exit) do those, while this
        // one works ahead from a lock-less read of the state file: it fetches the snapshot and
        // renders it in memory. Then it reads the file under the lock. The work ahead is kept only
        // if the bytes are the same; otherwise, and after any failure ahead, it is done again from
        // the locked read, so what is printed, error or data, is what the locked read gives.
        Thread.ofPlatform().daemon().name("export-link").start(StateReader::linkNative);
        Thread.ofPlatform().daemon().name("export-prepare").start(ControlClient::prepare);
        RuntimeRoot root = new RuntimeRoot(invocation.globals().root());
        FullId id = resolve(root, partialId);
        StateReader reader = new StateReader(root);
        StateReader.Peek peek = reader.peek(id).orElse(null);
        // One reply budget for the command: a sandbox that stalls the work ahead must not get a
        // second full wait when the work is done again. The lock wait below does not count.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(EXPORT_DEADLINE_SECONDS);
        byte[] ahead = null;
        if (peek != null) {
            try {
                ahead = render(invocation, root, peek.state(), prefix, filterText, timestamps, deadline);
            } catch (CliException e) {
                invocation.log().accept("working ahead failed, starting over under the lock: " + e.getMessage());
            }
        }
        long lockWaitStart = System.nanoTime();
        ContainerState container = load(reader, id, peek);
        deadline += System.nanoTime() - lockWaitStart;
        byte[] output = ahead != null && container == peek.state()
                ? ahead
                : render(invocation, root, container, prefix, filterText, timestamps, deadline);
        invocation.out().write(output, 0, output.length);
        if (invocation.out().checkError()) {
            throw new CliException("Cannot write metrics to stdout: write error");
        }
        invocation.err().println("Wrote " + output.length + " bytes of Prometheus metric data to stdout");
        return Cli.EXIT_OK;
    }

    /**
     * Fetches one snapshot of the container's sandbox and renders it. In memory: its size is bounded
     * by the reply limits ({@link runsc.metrics.control.ReplyMemory}), and nothing may reach stdout
     * before the locked read has confirmed the state it came from.
     */
    private static byte[] render(Invocation invocation, RuntimeRoot root, ContainerState container, String prefix,
                                 String filterText, boolean timestamps, long deadline)
            throws CliException, InterruptedException {
        var sandbox = container.sandbox();
        Re2Pattern filter = null;
        if (!filterText.isEmpty()) {
            try {
                filter = Re2Pattern.compile(filterText);
            } catch (Re2SyntaxException e) {
                // The words a real sandbox answers with when it compiles the filter itself.
                throw new CliException("ExportMetrics failed: cannot compile regexp " + GoQuote.quote(filterText) + ": "
                        + e.getMessage(), e);
            }
        }
        Snapshot snapshot;
        try {
            Path socket = ControlSocket.resolve(sandbox, root.dir());
            invocation.log().accept("exporting metrics of sandbox " + sandbox.id() + " over " + socket);
            snapshot = new ControlClient().exportMetrics(sandbox.id(), socket, filterText, deadline);
            if (filter != null) {
                Re2Pattern f = filter;
                FilterCheck.requireMatches(sandbox.id(), filterText, name -> matches(f, name), snapshot);
            }
        } catch (ControlException e) {
            throw new CliException("ExportMetrics failed: " + describe(e, sandbox.pid()), e);
        } catch (IOException e) {
            throw new CliException("ExportMetrics failed: " + e.getMessage(), e);
        }
        // The iteration label comes from the named container's creation time, as in runsc.
        var labels = SandboxLabels.identity(sandbox, container.createdAt());
        String header = "Command-line export for sandbox " + sandbox.id()
                + (filterText.isEmpty() ? "" : " (filtered using regular expression: " + GoQuote.quote(filterText) + ")");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(16 << 10);
        try {
            new ExpositionWriter().write(buffer, new ExportOptions(header, timestamps),
                    List.of(new SnapshotExport(snapshot, new SnapshotOptions(prefix, labels))));
        } catch (IOException e) {
            throw new UncheckedIOException("a ByteArrayOutputStream does not fail", e);
        }
        return buffer.toByteArray();
    }

    /** Finds the container as runsc does: exact ID, else unique prefix. */
    private static FullId resolve(RuntimeRoot root, String partialId) throws CliException {
        try {
            return IdResolver.resolve(root, partialId);
        } catch (IOException e) {
            throw new CliException("loading container: " + e.getMessage(), e);
        }
    }

    /** Reads the container's state under its lock, confirming {@code peek} if the bytes are the same. */
    private static ContainerState load(StateReader reader, FullId id, StateReader.Peek peek)
            throws CliException, InterruptedException {
        return switch (reader.readWaiting(id, Duration.ofSeconds(LOCK_WAIT_SECONDS), peek)) {
            case ReadOutcome.Loaded loaded -> loaded.state();
            case ReadOutcome.Gone gone -> throw new CliException("loading container: file does not exist");
            case ReadOutcome.Locked locked -> throw new CliException("loading container: state file "
                    + reader.root().stateFile(id) + " is still locked after " + LOCK_WAIT_SECONDS + " s");
            case ReadOutcome.Failed failed -> throw new CliException("loading container: " + failed.error().getMessage(),
                    failed.error());
        };
    }

    /** runsc's words for a dead sandbox; our own (naming the socket and cause) for everything else. */
    private static String describe(ControlException e, long pid) {
        if (e.kind() == ControlException.Kind.CONNECT && String.valueOf(e.getMessage()).contains("refused")) {
            return "connecting to control server at PID " + pid + ": connection refused";
        }
        return e.remoteMessage().orElse(e.getMessage());
    }

    private static boolean matches(Re2Pattern pattern, String name) {
        try {
            return pattern.find(name);
        } catch (RegexMatchLimitException e) {
            return false;
        }
    }
}
