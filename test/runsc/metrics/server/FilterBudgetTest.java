// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.cli.Cli;
import runsc.metrics.exposition.Data;
import runsc.metrics.exposition.Metric;
import runsc.metrics.exposition.MetricType;
import runsc.metrics.exposition.NumberValue;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.sim.SandboxOptions;
import runsc.metrics.sim.ScriptedReply;
import runsc.metrics.sim.Simulation;

/**
 * All the regular expression matching of one {@code /metrics} request shares one budget, spent
 * before any sandbox is queried: a pattern that backtracks without end gets 400 at once, the same
 * for both filters, however many sandboxes there are, and a plain scrape beside it still answers.
 */
class FilterBudgetTest {
    /** Java's backtracking needs seconds on one capability name with this; RE2 needs microseconds. */
    private static final String PATHOLOGICAL = "(.*)*(.*)*(.*)*(.*)*(.*)*(.*)*X";
    private static final int SANDBOXES = 60;
    /** Far above the 250 ms budget, far below what matching per sandbox took (seconds per sandbox). */
    private static final Duration QUICKLY = Duration.ofSeconds(10);

    private final List<String> log = new CopyOnWriteArrayList<>();
    @TempDir
    Path root;

    /** {@link #SANDBOXES} simulated sandboxes and a metric server for them; closing stops both. */
    private record Served(Path socket, Simulation simulation, MetricServer server) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                server.close();
            } finally {
                simulation.close();
            }
        }
    }

    private Served serve() throws Exception {
        Path socket = root.resolve("m.sock");
        String address = socket.toString();
        ServerConfig config = ServerTestSupport.config(root, address, 8, Duration.ofSeconds(30), Duration.ofSeconds(8));
        Simulation simulation = Simulation.start(root, Simulation.options(SANDBOXES, "sb", address, "", 0, Map.of()));
        try {
            return new Served(socket, simulation,
                    MetricServer.start(config, Optional.empty(), false, log::add, new ControlSandboxQuery(root)));
        } catch (Exception | Error e) {
            simulation.close();
            throw e;
        }
    }

    @Test
    void aPatternTooCostlyForTheBudgetGets400ForEitherFilterWhileAPlainScrapeAnswers() throws Exception {
        try (Served served = serve();
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Path socket = served.socket();
            Future<ServerTestSupport.Response> plain = pool.submit(() -> ServerTestSupport.get(socket, "/metrics"));
            for (String which : List.of("metric", "capability")) {
                String parameter = which.equals("metric") ? "runsc-sandbox-metrics-filter" : "runsc-capability-filter";
                ServerTestSupport.Response r = assertTimeoutPreemptively(QUICKLY,
                        () -> ServerTestSupport.get(socket, "/metrics?" + parameter + "=" + PATHOLOGICAL), which);
                assertEquals(400, r.status(), r.body());
                assertEquals("provided " + which + " filter is too costly to match: it ran past the 250 ms"
                        + " that all matching of one request may take\n", r.body());
            }
            ServerTestSupport.Response r = plain.get();
            assertEquals(200, r.status(), r.body());
            assertEquals(SANDBOXES, ServerTestSupport.lines(r.body(), "runsc_meta_sandbox_metadata").size(),
                    () -> "every sandbox answered: " + log.stream().filter(l -> l.startsWith("Could not")).toList());
            assertFalse(log.stream().anyMatch(l -> l.startsWith("Could not export")), log.toString());
        }
    }

    @Test
    void aCheapFilterStillFiltersEverySandbox() throws Exception {
        try (Served served = serve()) {
            Path socket = served.socket();
            ServerTestSupport.Response r = ServerTestSupport.get(socket,
                    "/metrics?runsc-sandbox-metrics-filter=^fs_&runsc-capability-filter=^CAP_(CHOWN|KILL)$");
            assertEquals(200, r.status(), r.body());
            List<String> opens = ServerTestSupport.lines(r.body(), "runsc_fs_opens");
            assertEquals(SANDBOXES, opens.size());
            assertTrue(ServerTestSupport.lines(r.body(), "runsc_netstack_tcp_current_open").isEmpty(), r.body());
            // A simulated sandbox adds AUDIT_WRITE, KILL and NET_BIND_SERVICE.
            List<String> capabilities = ServerTestSupport.lines(r.body(), "runsc_meta_sandbox_capabilities");
            assertEquals(SANDBOXES, capabilities.size());
            for (String line : capabilities) {
                assertEquals(Optional.of("KILL"), ServerTestSupport.label(line, "capability"), line);
            }
        }
    }

    @Test
    void exportMetricsNamesAPatternTooCostlyForItsBudget() throws Exception {
        // A scripted sandbox returns its data whatever the filter, so the client-side check meets it.
        Metric established = new Metric("netstack_tcp_current_established", MetricType.GAUGE, "Established TCP connections.");
        var options = SandboxOptions.of("sb1", "/x/metrics.sock").withReplyScript(call -> ScriptedReply.snapshot(
                new Snapshot(ServerTestSupport.freshTime(), List.of(Data.ofNumber(established, Map.of(), NumberValue.ofInt(1))))));
        try (Simulation _ = Simulation.start(root, List.of(options))) {
            var out = new ByteArrayOutputStream();
            var err = new ByteArrayOutputStream();
            int status = assertTimeoutPreemptively(QUICKLY, () -> new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Map.of())
                    .run("--root=" + root, "export-metrics", "--sandbox-metrics-filter=" + PATHOLOGICAL, "sb1"));
            assertEquals("ExportMetrics failed: regular expression `" + PATHOLOGICAL + "` ran past its matching budget"
                    + " of 250 ms (on an input of 32 characters)\n", err.toString(StandardCharsets.UTF_8));
            assertEquals(0, out.size());
            assertEquals(Cli.EXIT_FAILURE, status);
        }
    }
}
