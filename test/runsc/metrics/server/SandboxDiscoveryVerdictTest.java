// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.runtime.ExclusiveFlock;
import runsc.metrics.sim.Fault;
import runsc.metrics.sim.SandboxOptions;
import runsc.metrics.sim.SimulatedSandbox;
import runsc.metrics.sim.Simulation;
import runsc.metrics.testing.ScratchDir;

/**
 * Why discovery does not serve a state file, as records and as debug lines logged once per change,
 * and liveness where the server cannot see the sandboxes' PIDs (inside a gVisor sandbox).
 */
class SandboxDiscoveryVerdictTest {
    private static final String OURS = "/x/ours.sock";

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<String> notices = new CopyOnWriteArrayList<>();
    private Path root;

    @BeforeEach
    void setUp() throws IOException {
        root = ServerTestSupport.shortDir();
    }

    @AfterEach
    void tearDown() throws IOException {
        ScratchDir.deleteTree(root);
    }

    private SandboxDiscovery discovery(Path dir) {
        return new SandboxDiscovery(ServerTestSupport.fastConfig(dir, OURS, 8), Clock.systemUTC(), log::add, notices::add);
    }

    private static List<String> ids(List<ServedSandbox> served) {
        return served.stream().map(ServedSandbox::id).toList();
    }

    private static Map<String, SeenStateFile> bySandbox(SandboxDiscovery d) {
        return d.seen().stream().collect(Collectors.toMap(SeenStateFile::sandboxId, Function.identity()));
    }

    private long logged(String line) {
        return log.stream().filter(line::equals).count();
    }

    /** A PID that no process has: one that belonged to a process which has exited and been reaped. */
    private static long exitedPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "'true' exits");
        return p.pid();
    }

    /**
     * Makes a simulated sandbox look as it does to a server in another PID namespace: its state file
     * names a PID that does not exist here, while its control socket still answers.
     */
    private static void hidePid(SimulatedSandbox sandbox) throws Exception {
        String text = Files.readString(sandbox.recorded().stateFile(), StandardCharsets.UTF_8);
        String pid = "\"pid\":" + sandbox.recorded().pid();
        assertTrue(text.contains(pid), "the state file records the pid as " + pid);
        Files.writeString(sandbox.recorded().stateFile(), text.replace(pid, "\"pid\":" + exitedPid()), StandardCharsets.UTF_8);
    }

    @Test
    void aSandboxWhosePidDoesNotExistHereIsServedWhileItsControlSocketAnswers() throws Exception {
        try (Simulation sim = Simulation.start(root, List.of(SandboxOptions.of("hidden", OURS)))) {
            SimulatedSandbox hidden = sim.sandbox("hidden").orElseThrow();
            hidePid(hidden);
            SandboxDiscovery d = discovery(root);
            assertEquals(List.of("hidden"), ids(d.refresh()));
            List<ServedSandbox> served = d.refresh();
            assertEquals(List.of("hidden"), ids(served));
            // A scrape counts it as running (sandbox_running 1), although kill(pid, 0) fails.
            ServerConfig config = ServerTestSupport.fastConfig(root, OURS, 8);
            List<SandboxResult> results = new Scraper(config, new ControlSandboxQuery(root), log::add)
                    .scrape(served, FilterMatcher.none(), System.nanoTime() + config.scrapeDeadline().toNanos());
            assertTrue(results.getFirst() instanceof SandboxResult.Ok, results::toString);
            assertTrue(results.getFirst().running(), "counted as running");
            assertEquals(1, d.numSandboxesTotal());
            SeenStateFile seen = bySandbox(d).get("hidden");
            assertEquals(SeenStateFile.Status.SERVED, seen.status());
            assertEquals("served (its process is not visible here; its control socket answers)", seen.reason());
            assertEquals(1, notices.stream().filter(n -> n.startsWith("sandbox PIDs do not exist here")).count(),
                    notices::toString);

            // Its socket goes away: now nothing shows that it runs, and it is dropped.
            Files.delete(hidden.recorded().socketPath());
            assertEquals(List.of(), ids(d.refresh()));
            assertEquals(1, logged("sandbox hidden is no longer running; no longer serving it"), log::toString);
            assertEquals(SeenStateFile.Status.PROCESS_GONE, bySandbox(d).get("hidden").status());
        }
    }

    @Test
    void aSandboxWhosePidIsGoneAndWhoseSocketRefusesIsNotServedAsUpstream() throws Exception {
        try (Simulation _ = Simulation.start(root, List.of(
                SandboxOptions.of("dead", OURS).withFault(new Fault(Fault.Kind.DEAD, 0))))) {
            SandboxDiscovery d = discovery(root);
            assertEquals(List.of(), ids(d.refresh()));
            SeenStateFile seen = bySandbox(d).get("dead");
            assertEquals(SeenStateFile.Status.PROCESS_GONE, seen.status());
            assertTrue(seen.reason().contains("does not exist here and its control socket refuses"), seen.reason());
            assertEquals(List.of(), notices);
        }
    }

    @Test
    void everyStateFileHasARecordAndEachReasonIsLoggedOncePerChange() throws Exception {
        try (Simulation sim = Simulation.start(root, List.of(SandboxOptions.of("mine", OURS),
                SandboxOptions.of("theirs", "/x/theirs.sock"), SandboxOptions.of("locked", OURS)))) {
            Files.writeString(root.resolve("bad_sandbox:bad.state"), "{\"id\":\"bad\",\"sandbox\":[]}");
            Files.createFile(root.resolve("bad_sandbox:bad.lock"));
            Files.createDirectory(root.resolve("dir_sandbox:dir.state"));
            Files.createFile(root.resolve("dir_sandbox:dir.lock"));
            SandboxDiscovery d = discovery(root);
            try (ExclusiveFlock _ = ExclusiveFlock.tryAcquire(sim.sandbox("locked").orElseThrow().recorded().lockFile()).orElseThrow()) {
                for (int i = 0; i < 3; i++) {
                    assertEquals(List.of("mine"), ids(d.refresh()));
                }
                Map<String, SeenStateFile> seen = bySandbox(d);
                assertEquals(List.of("bad_sandbox:bad.state", "dir_sandbox:dir.state", "locked_sandbox:locked.state",
                        "mine_sandbox:mine.state", "theirs_sandbox:theirs.state"),
                        d.seen().stream().map(SeenStateFile::fileName).toList());
                assertEquals(new SeenStateFile("mine_sandbox:mine.state", "mine", OURS, SeenStateFile.Status.SERVED, "served"),
                        seen.get("mine"));
                assertEquals(new SeenStateFile("theirs_sandbox:theirs.state", "theirs", "/x/theirs.sock",
                        SeenStateFile.Status.ADDRESS_DIFFERS,
                        "it records --metric-server \"/x/theirs.sock\", this server's is \"/x/ours.sock\""), seen.get("theirs"));
                assertEquals(SeenStateFile.Status.LOCKED, seen.get("locked").status());
                assertEquals(SeenStateFile.Status.MALFORMED, seen.get("bad").status());
                assertEquals("state file " + root.resolve("bad_sandbox:bad.state")
                        + ": $.sandbox: expected an object, got an array", seen.get("bad").reason());
                assertEquals(SeenStateFile.Status.UNREADABLE, seen.get("dir").status());
                assertTrue(seen.get("dir").reason().contains("not a regular file (it is a directory)"), seen.get("dir").reason());

                assertEquals(1, logged("serving sandbox mine"), log::toString);
                assertEquals(1, logged("not serving sandbox theirs: it records --metric-server \"/x/theirs.sock\", "
                        + "this server's is \"/x/ours.sock\""), log::toString);
                assertEquals(1, logged("not serving sandbox locked yet: its state file is locked by another process; "
                        + "retrying on every refresh"), log::toString);
                assertEquals(1, logged("cannot read sandbox bad: " + seen.get("bad").reason()), log::toString);
                assertEquals(1, logged("cannot read sandbox dir: " + seen.get("dir").reason()), log::toString);
                assertEquals(5, log.size(), log::toString);
            }
            // The lock is released: the verdict changes, so one more line.
            assertEquals(List.of("locked", "mine"), ids(d.refresh()));
            assertEquals(SeenStateFile.Status.SERVED, bySandbox(d).get("locked").status());
            assertEquals(1, logged("serving sandbox locked"), log::toString);
            assertEquals(6, log.size(), log::toString);

            // A deleted state file takes its record with it.
            Files.delete(root.resolve("bad_sandbox:bad.state"));
            Files.delete(root.resolve("bad_sandbox:bad.lock"));
            d.refresh();
            assertEquals(null, bySandbox(d).get("bad"));
        }
    }

    @Test
    void aSandboxWithoutAnAddressSaysSo() throws Exception {
        ServerTestSupport.writeRealSandbox(root, "plain", "web-0", "", "");
        SandboxDiscovery d = discovery(root);
        assertEquals(List.of(), ids(d.refresh()));
        SeenStateFile seen = bySandbox(d).get("plain");
        assertEquals(SeenStateFile.Status.ADDRESS_DIFFERS, seen.status());
        assertEquals("", seen.recordedAddress());
        assertEquals("it records no --metric-server address (started without --metric-server), this server's is \"/x/ours.sock\"",
                seen.reason());
    }

    @Test
    void aRootThatCannotBeListedIsANoticeOncePerChange() throws Exception {
        Path missing = root.resolve("not-yet");
        SandboxDiscovery d = discovery(missing);
        for (int i = 0; i < 3; i++) {
            assertEquals(List.of(), ids(d.refresh()));
        }
        assertEquals(1, notices.size(), notices::toString);
        assertTrue(notices.getFirst().startsWith("cannot list the root directory \"" + missing + "\": "), notices::toString);
        Files.createDirectory(missing);
        d.refresh();
        d.refresh();
        assertEquals(List.of(notices.getFirst(), "the root directory \"" + missing + "\" can be listed again"), notices);
    }

    @Test
    void tenThousandStateFilesCostOneRecordEachAndAnUnchangedRefreshRebuildsNothing() throws Exception {
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            String sid = "s" + i;
            Files.writeString(root.resolve(sid + "_sandbox:" + sid + ".state"), "{\"id\":\"" + sid + "\",\"status\":\"running\","
                    + "\"sandbox\":{\"id\":\"" + sid + "\",\"pid\":1,\"metricServerAddress\":\"/x/other.sock\"}}");
            Files.createFile(root.resolve(sid + "_sandbox:" + sid + ".lock"));
        }
        SandboxDiscovery d = discovery(root);
        assertEquals(List.of(), ids(d.refresh()));
        List<SeenStateFile> first = d.seen();
        assertEquals(n, first.size());
        assertTrue(first.stream().allMatch(s -> s.status() == SeenStateFile.Status.ADDRESS_DIFFERS));
        d.refresh();
        // Nothing changed (each file skipped by its stat): the same list, not a rebuilt one.
        assertSame(first, d.seen());
        assertEquals(n, log.size());
    }
}
