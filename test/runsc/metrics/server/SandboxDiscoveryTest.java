// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import runsc.metrics.runtime.ExclusiveFlock;
import runsc.metrics.sim.Fault;
import runsc.metrics.sim.SandboxOptions;
import runsc.metrics.sim.SimulatedSandbox;
import runsc.metrics.sim.Simulation;
import runsc.metrics.testing.ScratchDir;

/** Discovery as sandbox-protocol.md §4.2 and exposition-server-cli.md §4.3 describe it. */
class SandboxDiscoveryTest {
    private static final String OURS = "/x/ours.sock";
    private static final String OTHER = "/x/othr.sock"; // same length: rewritten in place below

    private final List<String> log = new CopyOnWriteArrayList<>();
    @TempDir
    Path root;

    private SandboxDiscovery discovery() {
        return ServerTestSupport.discovery(ServerTestSupport.fastConfig(root, OURS, 8), log);
    }

    private static List<String> ids(List<ServedSandbox> served) {
        return served.stream().map(ServedSandbox::id).toList();
    }

    @Test
    void servesOnlySandboxesOfItsOwnAddressAndRemembersTheStatOfOthers() throws IOException {
        try (Simulation sim = Simulation.start(root, List.of(SandboxOptions.of("mine", OURS), SandboxOptions.of("theirs", OTHER)))) {
            SandboxDiscovery d = discovery();
            assertEquals(List.of("mine"), ids(d.refresh()));
            assertEquals(1, d.numSandboxesTotal());

            // Rewrite the state file in place with our address, same size, and put the mtime back:
            // the stat is unchanged, so the file must not be read again.
            Path state = sim.sandbox("theirs").orElseThrow().recorded().stateFile();
            FileTime mtime = Files.getLastModifiedTime(state);
            String text = Files.readString(state, StandardCharsets.UTF_8);
            assertTrue(text.contains("\"metricServerAddress\":\"" + OTHER + "\""), "address written compactly");
            Files.writeString(state, text.replace("\"metricServerAddress\":\"" + OTHER + "\"",
                    "\"metricServerAddress\":\"" + OURS + "\""), StandardCharsets.UTF_8);
            Files.setLastModifiedTime(state, mtime);
            assertEquals(List.of("mine"), ids(d.refresh()));
            assertEquals(1, d.numSandboxesTotal());

            // Now the stat changes: read again, and this time it is ours.
            Files.setLastModifiedTime(state, FileTime.from(mtime.toInstant().plusSeconds(1)));
            assertEquals(List.of("mine", "theirs"), ids(d.refresh()));
            assertEquals(2, d.numSandboxesTotal());
        }
    }

    @Test
    void substitutesRuntimeRootInTheSandboxAddress() throws IOException {
        String ours = root + "/metrics.sock";
        try (Simulation _ = Simulation.start(root, List.of(SandboxOptions.of("a", "%RUNTIME_ROOT%/metrics.sock"),
                SandboxOptions.of("b", ours), SandboxOptions.of("c", "%RUNTIME_ROOT%/other.sock")))) {
            SandboxDiscovery d = ServerTestSupport.discovery(ServerTestSupport.fastConfig(root, ours, 8), log);
            assertEquals(List.of("a", "b"), ids(d.refresh()));
            SandboxDiscovery placeholder = ServerTestSupport.discovery(
                    ServerTestSupport.fastConfig(root, "%RUNTIME_ROOT%/metrics.sock", 8), log);
            assertEquals(List.of("a", "b"), ids(placeholder.refresh()));
        }
    }

    @Test
    void doesNotServeARunningStateFileWithADeadPid() throws IOException {
        try (Simulation _ = Simulation.start(root, List.of(SandboxOptions.of("alive", OURS),
                SandboxOptions.of("dead", OURS).withFault(new Fault(Fault.Kind.DEAD, 0))))) {
            SandboxDiscovery d = discovery();
            assertEquals(List.of("alive"), ids(d.refresh()));
            assertEquals(List.of("alive"), ids(d.refresh()));
            // Rejected before the take-on: not counted (sandbox-protocol.md §4.2 e before f).
            assertEquals(1, d.numSandboxesTotal());
        }
    }

    @Test
    void retriesALockedStateFileOnTheNextRefreshAndServesItOnceUnlocked() throws IOException {
        try (Simulation sim = Simulation.start(root, List.of(SandboxOptions.of("sb", OURS)))) {
            SandboxDiscovery d = discovery();
            try (ExclusiveFlock _ = ExclusiveFlock.tryAcquire(sim.sandbox("sb").orElseThrow().recorded().lockFile()).orElseThrow()) {
                assertEquals(List.of(), ids(d.refresh()));
                assertEquals(List.of(), ids(d.refresh()));
                assertEquals(0, d.numSandboxesTotal());
            }
            // Nothing was recorded while locked, although the state file did not change.
            assertEquals(List.of("sb"), ids(d.refresh()));
            assertEquals(1, d.numSandboxesTotal());
        }
    }

    @Test
    void dropsASandboxWhoseFilesDisappearAndCountsEveryTakeOn() throws IOException {
        SandboxDiscovery d = discovery();
        SimulatedSandbox first = SimulatedSandbox.start(root, SandboxOptions.of("sb", OURS));
        try (SimulatedSandbox _ = SimulatedSandbox.start(root, SandboxOptions.of("keep", OURS))) {
            assertEquals(List.of("keep", "sb"), ids(d.refresh()));
            assertEquals(2, d.numSandboxesTotal());
            first.close();
            assertEquals(List.of("keep"), ids(d.refresh()));
            assertEquals(2, d.numSandboxesTotal(), "never decreases");
            assertTrue(log.contains("sandbox sb no longer exists; no longer serving it"), log::toString);
            try (SimulatedSandbox _ = SimulatedSandbox.start(root, SandboxOptions.of("sb", OURS))) {
                assertEquals(List.of("keep", "sb"), ids(d.refresh()));
                assertEquals(3, d.numSandboxesTotal(), "a sandbox taken on again counts again");
            }
        }
    }

    @Test
    void doesNotServeASandboxWithAnInvalidRegistrationButCountsIt() throws IOException {
        try (Simulation sim = Simulation.start(root, List.of(SandboxOptions.of("bad", OURS), SandboxOptions.of("good", OURS)))) {
            Path state = sim.sandbox("bad").orElseThrow().recorded().stateFile();
            String text = Files.readString(state, StandardCharsets.UTF_8);
            assertTrue(text.contains("\"prometheus_name\":\"fs_reads\""));
            Files.writeString(state, text.replace("\"prometheus_name\":\"fs_reads\"", "\"prometheus_name\":\"fs_opens\""),
                    StandardCharsets.UTF_8);
            SandboxDiscovery d = discovery();
            assertEquals(List.of("good"), ids(d.refresh()));
            // Counted before the full load, as upstream (sandbox-protocol.md §4.1).
            assertEquals(2, d.numSandboxesTotal());
            assertTrue(log.contains("not serving sandbox bad: invalid metric registration: metric \"fs_opens\" registered twice"),
                    log::toString);
            // Remembered: not loaded (nor counted) again while the file is unchanged.
            assertEquals(List.of("good"), ids(d.refresh()));
            assertEquals(2, d.numSandboxesTotal());
        }
    }

    @Test
    void servesSb1AndSb10Both() throws IOException {
        try (Simulation _ = Simulation.start(root, Simulation.options(10, "sb", OURS, "", 0, Map.of()))) {
            List<ServedSandbox> served = discovery().refresh();
            assertEquals(List.of("sb1", "sb10", "sb2", "sb3", "sb4", "sb5", "sb6", "sb7", "sb8", "sb9"), ids(served));
        }
    }

    @Test
    void stopsRefreshingAfterShutDown() throws IOException {
        SandboxDiscovery d = discovery();
        try (SimulatedSandbox _ = SimulatedSandbox.start(root, SandboxOptions.of("a", OURS))) {
            assertEquals(List.of("a"), ids(d.refresh()));
            d.shutDown();
            try (SimulatedSandbox _ = SimulatedSandbox.start(root, SandboxOptions.of("b", OURS))) {
                assertEquals(List.of("a"), ids(d.refresh()));
                assertEquals(1, d.numSandboxesTotal());
            }
        }
    }

    @Test
    void aVanishedRootEmptiesTheSetWithoutFailing() throws IOException {
        SandboxDiscovery d = discovery();
        try (SimulatedSandbox _ = SimulatedSandbox.start(root, SandboxOptions.of("a", OURS))) {
            assertEquals(List.of("a"), ids(d.refresh()));
        }
        ScratchDir.deleteTree(root);
        assertEquals(List.of(), ids(d.refresh()));
    }

    @Test
    void identityLabelsComeFromTheStateFile() throws IOException {
        try (Simulation sim = Simulation.start(root, List.of(SandboxOptions.of("p", OURS).withPod("web", "prod")))) {
            ServedSandbox s = discovery().refresh().getFirst();
            SimulatedSandbox sb = sim.sandbox("p").orElseThrow();
            assertEquals(List.of("iteration", "namespace_name", "pod_name", "sandbox"), List.copyOf(s.identityLabels().keySet()));
            assertEquals("web", s.identityLabels().get("pod_name"));
            assertEquals("prod", s.identityLabels().get("namespace_name"));
            assertEquals(runsc.metrics.runtime.SandboxLabels.iteration("p", sb.recorded().createdAt()), s.identityLabels().get("iteration"));
        }
    }

    @Test
    void aServedSandboxKeepsItsVerifierButNotItsRegistrationJson() throws IOException {
        try (Simulation sim = Simulation.start(root, List.of(SandboxOptions.of("p", OURS)))) {
            ServedSandbox s = discovery().refresh().getFirst();
            assertTrue(sim.sandbox("p").isPresent());
            assertNotNull(s.verifier());
            for (var c : s.loaded().containers()) {
                assertNull(c.sandbox().registeredMetrics(), "registration of " + c.id() + " still held");
            }
            assertEquals("p", s.loaded().sandbox().id());
        }
    }

    @Test
    void dropsASandboxWhoseProcessDied() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            ServerTestSupport.writeRealSandbox(root, "sb1", "web-0", OURS, "", sleeper.pid());
            SandboxDiscovery d = discovery();
            assertEquals(List.of("sb1"), ids(d.refresh()));
            sleeper.destroyForcibly();
            assertTrue(sleeper.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(List.of(), ids(d.refresh()));
            assertTrue(log.contains("sandbox sb1 is no longer running; no longer serving it"), log::toString);
            // Its state file still says running with a dead pid: not taken on again.
            assertEquals(List.of(), ids(d.refresh()));
            assertEquals(1, d.numSandboxesTotal());
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void listsTheRootOncePerRefreshHoweverManySandboxesAreNew() throws IOException {
        List<SandboxOptions> sandboxes = IntStream.rangeClosed(1, 30).mapToObj(i -> SandboxOptions.of("sb" + i, OURS)).toList();
        try (Simulation _ = Simulation.start(root, sandboxes)) {
            // A subcontainer, loaded with its sandbox from the same listing.
            Files.writeString(root.resolve("sub_sandbox:sb7.state"), "{}");
            Files.write(root.resolve("sub_sandbox:sb7.lock"), new byte[0]);
            SandboxDiscovery d = discovery();
            List<ServedSandbox> served = d.refresh();
            // Listing the root again for each new sandbox makes start-up grow with the square of the sandboxes.
            assertEquals(1, d.rootListings(), "listings of the root by the first refresh of 30 new sandboxes");
            assertEquals(29, served.size(), () -> ids(served) + " " + log);
            String subFailure = "not serving sandbox sb7: cannot load sandbox \"sb7\", container \"sub\"";
            assertTrue(log.stream().anyMatch(l -> l.startsWith(subFailure)), log::toString);
            d.refresh();
            assertEquals(2, d.rootListings(), "listings after the second refresh");
        }
    }

    @Test
    void countsASandboxOnceWhenASubcontainerIsLockedDuringItsFirstLoad() throws IOException {
        try (Simulation _ = Simulation.start(root, List.of(SandboxOptions.of("sb", OURS)))) {
            // The subcontainer's state is never read while its lock is held.
            Files.writeString(root.resolve("sub_sandbox:sb.state"), "{}");
            Path subLock = Files.write(root.resolve("sub_sandbox:sb.lock"), new byte[0]);
            SandboxDiscovery d = discovery();
            try (ExclusiveFlock _ = ExclusiveFlock.tryAcquire(subLock).orElseThrow()) {
                assertEquals(List.of(), ids(d.refresh()));
                assertEquals(List.of(), ids(d.refresh()));
            }
            Files.delete(root.resolve("sub_sandbox:sb.state"));
            Files.delete(subLock);
            // Retried, not remembered as rejected, and taken on once.
            assertEquals(List.of("sb"), ids(d.refresh()));
            assertEquals(1, d.numSandboxesTotal());
        }
    }
}
