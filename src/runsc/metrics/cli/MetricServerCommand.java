// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

import runsc.metrics.server.ControlSandboxQuery;
import runsc.metrics.server.HeapBudget;
import runsc.metrics.server.MetricServer;
import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.server.config.SocketAccess;
import runsc.metrics.server.ServerStartException;

/**
 * {@code metric-server}: serves the metrics of every sandbox in {@code --root} on
 * {@code --metric-server} until SIGINT or SIGTERM, then stops in order and exits 0, as upstream.
 */
final class MetricServerCommand {
    /** The command: what help says of it, and its flags. */
    static final Command COMMAND = new Command("metric-server",
            "metric-server [-exporter-prefix=<runsc_>] [-pid-file=<path>] [-allow-unknown-root] - serves metrics of all sandboxes in --root over HTTP on --metric-server",
            "serves metrics of every sandbox in the root directory over HTTP", MetricServerCommand::define);

    /** The help of {@code --openmetrics}. */
    static final String OPENMETRICS_HELP = "Answer /metrics in OpenMetrics 1.0.0 when the request's Accept header prefers "
            + "it, as Prometheus's does (not upstream's output): counters then end in _total, which renames gVisor's "
            + "counter series. Without it every request gets the text format.";

    private MetricServerCommand() {
    }

    /** Defines {@code --exporter-prefix}, shared with {@code export-metrics}, as runsc defines it. */
    static FlagSet.Flag<String> exporterPrefix(FlagSet flags) {
        return flags.string("exporter-prefix", "runsc_", "Prefix for all metric names, following Prometheus exporter convention");
    }

    /** Defines {@code --resource-stats}, shared with {@code export-metrics}. */
    static FlagSet.Flag<Boolean> resourceStats(FlagSet flags) {
        return flags.bool("resource-stats", "Also write each container's CPU, memory, pids and the sandbox's network "
                + "counters, read with containerManager.Event as runsc events --stats does (not upstream's output).");
    }

    private static Command.Action define(FlagSet flags) {
        FlagSet.Flag<String> prefix = exporterPrefix(flags);
        FlagSet.Flag<String> pidFile = flags.string("pid-file", "",
                "If set, write the metric server's own PID to this file after binding to the --metric-server address. "
                        + "The parent directory of this file must already exist.");
        FlagSet.Flag<Boolean> allowUnknownRoot = flags.bool("allow-unknown-root",
                "if set, the metric server will keep running regardless of the existence of --root "
                        + "or the metric server's ability to access it.");
        flags.bool("allow-profiling", "Accepted for compatibility with runsc; the profiling endpoints are not provided.");
        FlagSet.Flag<Integer> parallel = flags.integer("max-parallel", ServerConfig.DEFAULT_MAX_PARALLEL,
                "How many sandboxes to query at once during a scrape.");
        SocketAccessFlags socketAccess = SocketAccessFlags.define(flags);
        TlsFlags tls = TlsFlags.define(flags);
        FlagSet.Flag<Boolean> resourceStats = resourceStats(flags);
        FlagSet.Flag<Boolean> openMetrics = flags.bool("openmetrics", OPENMETRICS_HELP);
        return invocation -> {
            if (!invocation.arguments().isEmpty()) {
                throw new UsageException("metric-server takes no arguments, got \"" + invocation.arguments().getFirst() + "\"");
            }
            if (parallel.get() < 1 || parallel.get() > ServerConfig.MAX_PARALLEL_LIMIT) {
                throw new UsageException("invalid value \"" + parallel.get() + "\" for flag -max-parallel: must be 1 to "
                        + ServerConfig.MAX_PARALLEL_LIMIT);
            }
            SocketAccess access = socketAccess.get();
            ServerConfig config = ServerConfig.of(invocation.globals().rootText(), invocation.globals().metricServer(),
                    prefix.get(), parallel.get()).withOpenMetrics(openMetrics.get())
                    .withTls(tls.get(invocation.globals().metricServer(), invocation.globals().rootText()));
            Optional<Path> pid = pidFile.get().isEmpty() ? Optional.empty() : Optional.of(Path.of(pidFile.get()));
            return serve(invocation, config, access, pid, allowUnknownRoot.get(), resourceStats.get());
        };
    }

    /** Runs a server until a signal; {@code resourceStats} as {@code --resource-stats}. */
    private static int serve(Invocation invocation, ServerConfig config, SocketAccess access, Optional<Path> pidFile,
                             boolean allowUnknownRoot, boolean resourceStats) throws CliException, InterruptedException {
        Signals signals = Signals.install();
        MetricServer server;
        try {
            server = MetricServer.start(config, access, pidFile, allowUnknownRoot, invocation.log(),
                    line -> notice(invocation, line), new ControlSandboxQuery(config.root(), resourceStats));
        } catch (ServerStartException e) {
            throw new CliException(e.getMessage(), e);
        }
        if (server.bindsAllInterfaces()) {
            invocation.err().println("Binding on all interfaces. This will allow anyone to list all containers on your machine!");
        }
        watchHeapBudget(invocation, server, config.refreshInterval());
        try {
            invocation.log().accept("stopping on " + signals.await());
        } finally {
            server.close();
        }
        return Cli.EXIT_OK;
    }

    /** Prints a line an operator needs without --debug on stderr, and in the debug log as well. */
    private static void notice(Invocation invocation, String line) {
        invocation.err().println(line);
        invocation.log().accept(line);
    }

    /**
     * Checks, at start and then at each background-refresh interval, that the heap cap fits the
     * number of served sandboxes, and says so on stderr when it stops fitting (see {@link HeapBudget}).
     * It ends when the server stops.
     */
    private static void watchHeapBudget(Invocation invocation, MetricServer server, Duration interval) {
        HeapBudget budget = new HeapBudget(Runtime.getRuntime().maxMemory());
        Thread.ofVirtual().name("heap-budget").start(() -> {
            try {
                do {
                    budget.check(server.servedSandboxes()).ifPresent(invocation.err()::println);
                } while (!server.awaitStop(interval));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
