// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import runsc.metrics.sim.SandboxOptions;
import runsc.metrics.sim.Simulation;
import runsc.metrics.testing.ScratchDir;

/** {@code export-metrics --resource-stats} over a simulated sandbox. */
class ExportResourceStatsTest {
    private static final String BLOCK = "\n# Resource usage from containerManager.Event (--resource-stats)";
    private static final String END = "\n# End of metric data.\n";

    private ScratchDir dir;
    private Path root;
    private Simulation simulation;

    @BeforeEach
    void setUp() throws Exception {
        dir = ScratchDir.create("ex");
        root = dir.path().resolve("root");
        Files.createDirectories(root);
        simulation = Simulation.start(root, List.of(SandboxOptions.of("sb1", dir.path().resolve("m.sock").toString())
                .withPod("web-0", "prod")));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            simulation.close();
        } finally {
            dir.close();
        }
    }

    @Test
    void appendsTheContainersSeriesBeforeTheEndMarker() {
        CliTest.Result r = CliTest.run("--root=" + root, "export-metrics", "--resource-stats", "--no-timestamps", "sb1");
        assertEquals(0, r.status(), r.err());
        int block = r.out().indexOf(BLOCK);
        assertTrue(block > r.out().indexOf("sandbox=\"sb1\"} ") && r.out().endsWith(END), r.out());
        String stats = r.out().substring(block);
        for (String name : List.of("runsc_container_cpu_usage_seconds_total{container=\"sb1\",",
                "runsc_container_memory_usage_bytes{container=\"sb1\",", "runsc_container_pids_current{container=\"sb1\",",
                "runsc_sandbox_network_receive_bytes_total{interface=\"lo\",")) {
            assertTrue(stats.contains("\n" + name + "iteration=\""), name + " missing from\n" + stats);
        }
        assertTrue(stats.contains("namespace_name=\"prod\",pod_name=\"web-0\",sandbox=\"sb1\"} "), stats);
        assertFalse(stats.contains("broken_stats"), "the count is the server's; the command fails instead");
    }

    @Test
    void withoutTheFlagTheOutputHasNoStats() {
        CliTest.Result r = CliTest.run("--root=" + root, "export-metrics", "sb1");
        assertEquals(0, r.status(), r.err());
        assertFalse(r.out().contains("container_cpu_usage_seconds_total"), r.out());
    }

    @Test
    void aFailedStatsCallFailsTheCommandNamingTheCall() throws Exception {
        // A second container of sb1 that the sandbox does not know: Metrics.Export answers, Event does not.
        Path state = root.resolve("sb1_sandbox:sb1.state");
        String text = Files.readString(state, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("{\"id\":\"sb1\""), text);
        Files.writeString(root.resolve("app_sandbox:sb1.state"), "{\"id\":\"app\"" + text.substring("{\"id\":\"sb1\"".length()),
                StandardCharsets.UTF_8);
        Files.write(root.resolve("app_sandbox:sb1.lock"), new byte[0]);
        CliTest.Result plain = CliTest.run("--root=" + root, "export-metrics", "app");
        assertEquals(0, plain.status(), () -> "the metrics alone work: " + plain.err());
        CliTest.Result r = CliTest.run("--root=" + root, "export-metrics", "--resource-stats", "app");
        assertEquals(Cli.EXIT_FAILURE, r.status(), r.out());
        assertEquals("", r.out());
        assertTrue(r.err().contains("reading resource usage (containerManager.Event) failed: container \"app\" not found"),
                r.err());
    }
}
