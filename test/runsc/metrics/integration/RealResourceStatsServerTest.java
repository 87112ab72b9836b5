// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import runsc.metrics.json.Json;
import runsc.metrics.json.JsonNumber;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonValue;
import runsc.metrics.testing.ProcResult;
import runsc.metrics.testing.RealRunsc;
import runsc.metrics.testing.SandboxSpec;

/**
 * {@code metric-server --resource-stats} over real sandboxes, end to end: for each container of a
 * single-container sandbox and of a two-container pod, the series of one scrape, then real
 * {@code runsc events --stats}, then another scrape. Our CPU never falls between the two scrapes;
 * runsc's must not be above our second (with the slack of {@code RealContainerStatsTest}: one 10 ms
 * sentry tick and 2%), and for the container alone in its sandbox not below our first; its memory
 * must equal ours within 2 MiB or 10%, its pids exactly; promtool parses the body.
 */
class RealResourceStatsServerTest {
    private static final long MEMORY_TOLERANCE_BYTES = 2 << 20;
    private static final long CPU_TICK_NANOS = 10_000_000L;

    @RegisterExtension
    static final RealServerFixture fixture = new RealServerFixture("rq");

    @BeforeAll
    static void startSandboxesAndServer() throws IOException, InterruptedException {
        fixture.root().start(SandboxSpec.plain("rq1"));
        fixture.root().start(SandboxSpec.pod("rqpod", "web-0", "prod"));
        fixture.root().start(SandboxSpec.plain("rqapp")
                .withAnnotation(SandboxSpec.CONTAINER_TYPE, "container")
                .withAnnotation("io.kubernetes.cri.sandbox-id", "rqpod")
                .withAnnotation(SandboxSpec.SANDBOX_NAME, "web-0")
                .withAnnotation(SandboxSpec.SANDBOX_NAMESPACE, "prod"));
        fixture.startServer(fixture.root().metricServerAddress(), "server", "--resource-stats");
    }

    /** The value of one container's series, which must be there exactly once. */
    private static BigDecimal value(String body, String name, String container) {
        List<Exposition.Sample> found = Exposition.samples(body).stream()
                .filter(s -> s.name().equals(name) && container.equals(s.label("container"))).toList();
        assertEquals(1, found.size(), () -> name + " of " + container + ": " + found);
        return new BigDecimal(found.getFirst().value());
    }

    @Test
    void everyContainersSeriesMatchRunscEventsStats() throws IOException, InterruptedException {
        for (String container : List.of("rq1", "rqpod", "rqapp")) {
            String before = fixture.scrape();
            ProcResult events = RealRunsc.run(List.of("--root=" + fixture.root().path(), "events", "--stats", container));
            assertEquals(0, events.exitCode(), events::describe);
            String after = fixture.scrape();
            JsonObject runsc = (JsonObject) Json.parse(events.stdout().strip());

            long cpuBefore = nanos(value(before, "runsc_container_cpu_usage_seconds_total", container));
            long cpuAfter = nanos(value(after, "runsc_container_cpu_usage_seconds_total", container));
            long theirCpu = at(runsc, "data", "cpu", "usage", "total");
            long slack = CPU_TICK_NANOS + Math.max(cpuBefore, cpuAfter) / 50;
            // The server serves each container's highest figure so far, so its counter never falls,
            // a pod's containers included, whose figure as runsc computes it (a share of the sentry's
            // CPU scaled by the host cgroup) can (docs/resource-stats.md).
            assertTrue(cpuBefore <= cpuAfter, container + ": CPU went backwards, " + cpuBefore + " then " + cpuAfter);
            // runsc's figure is one read of what we serve the highest of: never above our later scrape.
            assertTrue(theirCpu <= cpuAfter + slack,
                    container + ": runsc's CPU " + theirCpu + " ns is above ours, " + cpuBefore + " then " + cpuAfter);
            if (container.equals("rq1")) {
                // Alone in its sandbox, a container's CPU is the host cgroup's, which only grows: our
                // highest figure is our latest, and runsc's lies between our two. A pod container's
                // figure can fall below what we served before, so only the bound above holds for it
                // (RealContainerStatsTest compares single reads of pods with runsc's).
                assertTrue(cpuBefore - slack <= theirCpu,
                        container + ": runsc's CPU " + theirCpu + " ns is below ours, " + cpuBefore + " then " + cpuAfter);
            }
            long theirMemory = at(runsc, "data", "memory", "usage", "usage");
            long ourMemory = value(after, "runsc_container_memory_usage_bytes", container).longValueExact();
            assertTrue(Math.abs(theirMemory - ourMemory) <= Math.max(MEMORY_TOLERANCE_BYTES, theirMemory / 10),
                    container + ": memory " + ourMemory + " vs runsc's " + theirMemory);
            assertEquals(at(runsc, "data", "pids", "current"),
                    value(after, "runsc_container_pids_current", container).longValueExact(), container + " pids");
        }
    }

    @Test
    void theBodyParsesAndNoSandboxHasBrokenStats() throws IOException, InterruptedException {
        String body = fixture.scrape();
        Promtool.assertParses(body.getBytes(StandardCharsets.UTF_8), "the body with --resource-stats");
        assertTrue(body.contains("\nrunsc_meta_num_sandboxes_broken_stats 0\n"), body);
        assertTrue(body.endsWith("\n# End of metric data.\n"), "the end marker stays last");
        for (String sandbox : List.of("rq1", "rqpod")) {
            assertEquals(1, Exposition.samplesWithLabel(body, "sandbox", sandbox).stream()
                    .filter(s -> s.name().equals("runsc_sandbox_network_receive_bytes_total")
                            && "lo".equals(s.label("interface"))).count(), sandbox + " has its loopback counters once");
        }
    }

    private static long nanos(BigDecimal seconds) {
        return seconds.movePointRight(9).longValueExact();
    }

    /** A number at a path, 0 when absent (Go's omitempty leaves zeros out). */
    private static long at(JsonObject o, String... path) {
        JsonValue v = o;
        for (String key : path) {
            v = v instanceof JsonObject obj ? obj.get(key) : null;
        }
        return v instanceof JsonNumber n ? n.longValueExact() : 0;
    }
}
