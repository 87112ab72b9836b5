// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import runsc.metrics.control.Savings;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.runtime.LoadedSandbox;
import runsc.metrics.sim.SandboxOptions;
import runsc.metrics.sim.Simulation;

/**
 * {@code --resource-stats} through the whole server, over simulated sandboxes that answer
 * {@code containerManager.Event} with gVisor 20240729's reply shape: the series follow the
 * sandboxes' data and the end marker stays last, one stats read per sandbox per scrape inside its deadline, and a failed read keeps
 * the sandbox's metric data and is counted on its own.
 */
class ResourceStatsScrapeTest {
    private static final String END = "\n# End of metric data.\n";
    private static final String BLOCK = "\n# Resource usage from containerManager.Event";
    private static final String BROKEN_STATS = "runsc_meta_num_sandboxes_broken_stats";

    private final List<String> log = new CopyOnWriteArrayList<>();
    @RegisterExtension
    final ServerScratch scratch = new ServerScratch();
    private final Path root = scratch.root();
    private final Path socket = scratch.socket();

    @BeforeEach
    void startSandboxes() throws IOException {
        scratch.closeAfter(Simulation.start(root, List.of(SandboxOptions.of("sb1", socket.toString()).withPod("web-0", "prod"),
                SandboxOptions.of("sb2", socket.toString()))));
    }

    private String scrape(SandboxQuery query) throws Exception {
        MetricServer server = MetricServer.start(ServerTestSupport.config(root, socket.toString(), 8,
                java.time.Duration.ofSeconds(20), java.time.Duration.ofSeconds(10)), Optional.empty(), false, log::add, query);
        scratch.closeAfter(server);
        ServerTestSupport.Response r = ServerTestSupport.get(socket, "/metrics");
        assertEquals(200, r.status(), r.body());
        ServerTestSupport.assertParses(r.body());
        return r.body();
    }

    /** The lines of one series family in the resource usage block. */
    private static List<String> statsLines(String body, String name) {
        String stats = body.substring(body.indexOf(BLOCK));
        return stats.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " ")).toList();
    }

    @Test
    void offByDefaultTheBodyEndsWithTheExpositionAsUpstreams() throws Exception {
        String body = scrape(new ControlSandboxQuery(root));
        assertTrue(body.endsWith(END), () -> "tail: " + body.substring(Math.max(0, body.length() - 300)));
        assertFalse(body.contains("container_cpu_usage_seconds_total"), body);
        assertFalse(body.contains(BROKEN_STATS), body);
        assertFalse(body.contains(BLOCK), body);
    }

    @Test
    void writesEveryContainersSeriesAfterTheExposition() throws Exception {
        String body = scrape(new ControlSandboxQuery(root, true));
        int block = body.indexOf(BLOCK);
        assertTrue(block > body.lastIndexOf("sandbox=\"sb2\"} ", block) && body.endsWith(END),
                "the stats follow the sandboxes' data, and the end marker stays last");
        assertTrue(body.indexOf("# TYPE runsc_container_") > block, body);
        assertFalse(body.substring(block).contains("\n\n\n"), "one blank line between families");
        assertEquals(List.of(BROKEN_STATS + " 0"), statsLines(body, BROKEN_STATS));
        for (String family : StatsWriter.familyNames().stream().filter(f -> !f.contains("limit") && !f.contains("max_")
                && !f.contains("cache") && !f.contains("failcnt")).toList()) {
            List<String> lines = statsLines(body, "runsc_" + family);
            assertEquals(2, lines.size(), family + ": " + lines);
        }
        String cpu = statsLines(body, "runsc_container_cpu_usage_seconds_total").getFirst();
        assertTrue(cpu.startsWith("runsc_container_cpu_usage_seconds_total{container=\"sb1\",iteration=\""), cpu);
        assertTrue(cpu.contains("namespace_name=\"prod\",pod_name=\"web-0\",sandbox=\"sb1\"}"), cpu);
        assertTrue(Double.parseDouble(cpu.substring(cpu.lastIndexOf(' ') + 1)) > 0, cpu);
        assertTrue(statsLines(body, "runsc_sandbox_network_transmit_bytes_total").getFirst()
                .contains("{interface=\"lo\","), body);
        // The iteration label of the stats is the sandbox's, as on its metric data.
        String iteration = cpu.replaceAll(".*iteration=\"([^\"]*)\".*", "$1");
        assertTrue(body.substring(0, block).contains("iteration=\"" + iteration + "\""), iteration);
    }

    @Test
    void aFailedStatsReadKeepsTheSandboxsMetricsAndIsCountedApart() throws Exception {
        SandboxQuery real = new ControlSandboxQuery(root, true);
        Map<String, Long> exportDeadlines = new ConcurrentHashMap<>();
        Map<String, Long> statsDeadlines = new ConcurrentHashMap<>();
        SandboxQuery query = new SandboxQuery() {
            @Override
            public Snapshot export(LoadedSandbox sandbox, FilterMatcher filter, long deadlineNanos) throws IOException {
                exportDeadlines.put(sandbox.sandbox().id(), deadlineNanos);
                return real.export(sandbox, filter, deadlineNanos);
            }

            @Override
            public Savings savings(LoadedSandbox sandbox, long deadlineNanos) throws IOException {
                return real.savings(sandbox, deadlineNanos);
            }

            @Override
            public boolean readsResourceUsage() {
                return true;
            }

            @Override
            public ResourceUsage resourceUsage(LoadedSandbox sandbox, long deadlineNanos) {
                statsDeadlines.put(sandbox.sandbox().id(), deadlineNanos);
                if (sandbox.sandbox().id().equals("sb2")) {
                    throw new IllegalStateException("sb2's stats reply is broken");
                }
                return real.resourceUsage(sandbox, deadlineNanos);
            }
        };
        String body = scrape(query);
        assertEquals(List.of(BROKEN_STATS + " 1"), statsLines(body, BROKEN_STATS));
        assertTrue(body.contains("runsc_meta_num_sandboxes_broken_metrics 0 "), "sb2's metrics are not broken");
        assertTrue(body.substring(0, body.indexOf(BLOCK)).contains("sandbox=\"sb2\"} "), "sb2 keeps its metric data");
        List<String> cpu = statsLines(body, "runsc_container_cpu_usage_seconds_total");
        assertEquals(1, cpu.size(), cpu::toString);
        assertTrue(cpu.getFirst().contains("sandbox=\"sb1\""), cpu::toString);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Could not read resource usage of sandbox sb2: ")
                && l.contains("sb2's stats reply is broken")), log::toString);
        // One read per sandbox, in the same per-sandbox deadline as its export.
        assertEquals(exportDeadlines, statsDeadlines);
    }
}
