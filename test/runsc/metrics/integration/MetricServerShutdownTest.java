// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import runsc.metrics.testing.ScratchDir;
import runsc.metrics.testing.Tools;

/** SIGTERM ends {@code metric-server} and {@code simulate} cleanly: exit 0 and no files left. */
class MetricServerShutdownTest {
    @Test
    void sigtermExitsZeroAndRemovesSocketAndPidFile() throws IOException, InterruptedException {
        try (ScratchDir dir = ScratchDir.create("sd");
             SimulatedServer sim = SimulatedServer.start(dir, dir.resolve("m.sock").toString(), 1)) {
            assertTrue(Files.exists(sim.socket()), "no socket " + sim.socket());
            assertEquals(Long.toString(sim.server().pid()), Files.readString(sim.pidFile()));
            if (Tools.find("curl").isPresent()) {
                assertEquals(200, Curl.unix(sim.socket(), "/metrics").status());  // a served sandbox, not an idle server
            }

            assertEquals(0, sim.server().terminate(), sim.server()::describe);
            assertFalse(Files.exists(sim.socket()), "socket left behind");
            assertFalse(Files.exists(sim.pidFile()), "PID file left behind");

            assertEquals(0, sim.simulation().terminate(), sim.simulation()::describe);
            assertEquals(List.of(), list(sim.root()), "simulate left files in its root");
            String flag = "--root=" + sim.root();
            assertEquals(List.of(), ProcessHandle.allProcesses()
                    .filter(p -> p.info().arguments().map(a -> List.of(a).contains(flag)).orElse(false))
                    .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList(), "processes left running");
        }
    }

    @Test
    void sigtermOnTcpServerExitsZeroAndRemovesPidFile() throws IOException, InterruptedException {
        try (ScratchDir dir = ScratchDir.create("sd");
             SimulatedServer sim = SimulatedServer.start(dir, "127.0.0.1:" + Tools.freePort(), 1)) {
            assertEquals(0, sim.server().terminate(), sim.server()::describe);
            assertFalse(Files.exists(sim.pidFile()), "PID file left behind");
            assertEquals("", sim.server().stdout());
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
