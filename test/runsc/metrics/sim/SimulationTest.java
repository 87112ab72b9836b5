// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SimulationTest {
    @Test
    void runsManySandboxesInOneRootAndRemovesTheirFilesOnClose() throws IOException {
        Path root = Files.createTempDirectory(Path.of("/tmp"), "rm");
        List<SandboxOptions> options = Simulation.options(3, "sim-", "/run/m.sock", "ns", 5,
                Map.of("sim-2", Fault.parse("stall")));
        try (Simulation sim = Simulation.start(root, options)) {
            assertEquals(List.of("sim-1", "sim-2", "sim-3"), sim.sandboxes().stream().map(SimulatedSandbox::id).toList());
            assertEquals("pod-2", sim.sandbox("sim-2").orElseThrow().options().podName());
            assertEquals(Fault.parse("stall"), sim.sandbox("sim-2").orElseThrow().options().fault());
            assertEquals(Fault.NONE, sim.sandbox("sim-3").orElseThrow().options().fault());
            assertEquals(List.of("runsc-sim-1.sock", "runsc-sim-2.sock", "runsc-sim-3.sock",
                    "sim-1_sandbox:sim-1.lock", "sim-1_sandbox:sim-1.state", "sim-2_sandbox:sim-2.lock",
                    "sim-2_sandbox:sim-2.state", "sim-3_sandbox:sim-3.lock", "sim-3_sandbox:sim-3.state"), list(root));
        }
        assertEquals(List.of(), list(root));
        Files.delete(root);
    }

    @Test
    void rejectsDuplicateIds() {
        List<SandboxOptions> twice = List.of(SandboxOptions.of("a", ""), SandboxOptions.of("a", ""));
        assertEquals("sandbox IDs must be distinct",
                assertThrows(IllegalArgumentException.class, () -> Simulation.start(Path.of("unused"), twice)).getMessage());
    }

    @Test
    void rejectsIdsRunscWouldReject() {
        assertEquals("invalid sandbox ID 'a/b': must match ^[\\w+.-]+$",
                assertThrows(IllegalArgumentException.class, () -> SandboxOptions.of("a/b", "")).getMessage());
    }

    private static List<String> list(Path root) throws IOException {
        try (Stream<Path> files = Files.list(root)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
