// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import runsc.metrics.testing.Cleanup;
import runsc.metrics.testing.Daemon;
import runsc.metrics.testing.ProcResult;
import runsc.metrics.testing.RealRunsc;
import runsc.metrics.testing.RuntimeImage;
import runsc.metrics.testing.ScratchDir;

/**
 * Real {@code runsc export-metrics} against sandboxes simulated by a default {@code runsc-metrics
 * simulate} (no flag needed): the simulator's state files, control sockets and catalogue are good
 * enough for the real client.
 */
class RunscOnSimulatorTest {
    /** The metric names a default simulated sandbox always exports (with the default prefix). */
    static final Set<String> SIMULATOR_NAMES = Set.of("runsc_fs_opens", "runsc_fs_reads", "runsc_fs_writes",
            "runsc_gofer_opens_host", "runsc_netstack_tcp_current_established", "runsc_netstack_tcp_current_open",
            "runsc_unimplemented_syscalls");
    /** A counter that starts at zero (so is left out, as runsc leaves out zero counters) and grows later. */
    static final String LATE_COUNTER = "runsc_suspicious_operations";

    private static ScratchDir dir;
    private static Daemon simulation;

    @BeforeAll
    static void simulate() throws IOException, InterruptedException {
        RealRunsc.assumeBinary();
        dir = ScratchDir.create("rs");
        simulation = Daemon.start("simulate", RuntimeImage.command("--root=" + dir.resolve("root"),
                "--metric-server=" + dir.resolve("m.sock"), "simulate", "--sandboxes=2",
                "--pod=web", "--namespace=prod"), dir.path());
        simulation.awaitStdout("simulating 2 sandboxes", SimulatedServer.STARTUP);
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.closeAll(simulation, dir);
    }

    private static String exposition(ProcResult real) {
        assertEquals(0, real.exitCode(), real::describe);
        int cut = real.stdout().lastIndexOf("Wrote ");
        assertTrue(cut > 0, real.stdout());
        return real.stdout().substring(0, cut);
    }

    @Test
    void realRunscExportsASimulatedSandbox() throws IOException, InterruptedException {
        ProcResult before = RuntimeImage.run("--root=" + dir.resolve("root"), "export-metrics", "sim-1");
        String real = exposition(RealRunsc.exportMetrics(dir.resolve("root"), "sim-1"));
        ProcResult after = RuntimeImage.run("--root=" + dir.resolve("root"), "export-metrics", "sim-1");
        Set<String> names = Exposition.samples(real).stream().map(Exposition.Sample::name)
                .collect(Collectors.toCollection(TreeSet::new));
        names.remove(LATE_COUNTER);
        assertEquals(new TreeSet<>(SIMULATOR_NAMES), names);
        assertTrue(real.startsWith("# Command-line export for sandbox sim-1\n"), real);
        for (Exposition.Sample s : Exposition.samples(real)) {
            assertEquals("sim-1", s.label("sandbox"), s::series);
            assertEquals("web-1", s.label("pod_name"), s::series);
            assertEquals("prod", s.label("namespace_name"), s::series);
        }
        // The simulation moves on between exports; the late counter can only appear, so the real export,
        // taken between two of ours, has the shape of one of them.
        assertEquals(0, before.exitCode(), before::describe);
        assertEquals(0, after.exitCode(), after::describe);
        String normal = String.join("\n", Exposition.normalise(real));
        String ourAfter = String.join("\n", Exposition.normalise(after.stdout()));
        if (!normal.equals(String.join("\n", Exposition.normalise(before.stdout())))) {
            assertEquals(normal, ourAfter);
        }
    }

    @Test
    void realRunscGetsTheSandboxsRegexpErrorFromTheSimulator() throws IOException {
        ProcResult real = RealRunsc.exportMetrics(dir.resolve("root"), "sim-2", "--sandbox-metrics-filter=(");
        assertEquals(128, real.exitCode(), real::describe);
        assertEquals("ExportMetrics failed: cannot compile regexp \"(\": error parsing regexp: missing closing ): `(`\n",
                real.stderr());
    }

    @Test
    void realRunscAppliesItsFilterThroughTheSimulator() throws IOException {
        String real = exposition(RealRunsc.exportMetrics(dir.resolve("root"), "sim-2", "--sandbox-metrics-filter=^fs_"));
        assertEquals(List.of("runsc_fs_opens", "runsc_fs_reads", "runsc_fs_writes"),
                Exposition.samples(real).stream().map(Exposition.Sample::name).distinct().toList());
    }
}
