// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import runsc.metrics.sim.SandboxOptions;
import runsc.metrics.sim.Simulation;
import runsc.metrics.testing.ScratchDir;
import runsc.metrics.testing.SpecialFile;

/**
 * Discovery never waits on a file of the root and never serves a sandbox under another's name:
 * odd files cost only themselves, with a reason in the log, and the other sandboxes are served.
 */
class SandboxDiscoveryRefusalTest {
    private static final String OURS = "/x/ours.sock";
    /** Far more than a refresh of two sandboxes takes, far less than a hang. */
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final List<String> log = new CopyOnWriteArrayList<>();
    private Path root;
    private Path scratch;

    @BeforeEach
    void setUp() throws IOException {
        root = ServerTestSupport.shortDir();
        scratch = ServerTestSupport.shortDir();
    }

    @AfterEach
    void tearDown() throws IOException {
        SpecialFile.cleanUp(root, scratch);
        ScratchDir.deleteTree(root);
        ScratchDir.deleteTree(scratch);
    }

    private SandboxDiscovery discovery() {
        return ServerTestSupport.discovery(ServerTestSupport.fastConfig(root, OURS, 8), log);
    }

    private static List<String> ids(List<ServedSandbox> served) {
        return served.stream().map(ServedSandbox::id).toList();
    }

    private boolean logged(String line) {
        return log.contains(line);
    }

    /** Two refreshes, each within {@link #BOUND}, serve only sandbox "good"; the log has {@code refusal}. */
    private void assertOnlyGoodServed(String refusal) {
        SandboxDiscovery d = discovery();
        assertEquals(List.of("good"), ids(assertTimeoutPreemptively(BOUND, d::refresh)));
        assertTrue(logged(refusal), log::toString);
        assertEquals(List.of("good"), ids(assertTimeoutPreemptively(BOUND, d::refresh)), "and again");
    }

    @ParameterizedTest
    @EnumSource(SpecialFile.class)
    void aStateFileThatIsNotARegularFileIsRefusedAndTheOthersServed(SpecialFile kind) throws Exception {
        try (Simulation _ = Simulation.start(root, List.of(SandboxOptions.of("good", OURS)))) {
            Files.createFile(root.resolve("x_sandbox:x.lock"));
            Path state = kind.create(root.resolve("x_sandbox:x.state"), scratch);
            assertOnlyGoodServed("cannot read sandbox x: state file " + state + ": not a regular file (it is "
                    + kind.type() + ")");
        }
    }

    @ParameterizedTest
    @EnumSource(SpecialFile.class)
    void aLockFileThatIsNotARegularFileIsRefusedAndTheOthersServed(SpecialFile kind) throws Exception {
        try (Simulation _ = Simulation.start(root, List.of(SandboxOptions.of("good", OURS)))) {
            ServerTestSupport.writeRealSandbox(root, "x", "web-0", OURS, "");
            Files.delete(root.resolve("x_sandbox:x.lock"));
            Path lock = kind.create(root.resolve("x_sandbox:x.lock"), scratch);
            assertOnlyGoodServed("cannot read sandbox x: lock file " + lock + ": not a regular file (it is "
                    + kind.type() + ")");
        }
    }

    @Test
    void aStateFileLinkedToAnotherSandboxsIsNotServedTwice() throws IOException {
        try (Simulation sim = Simulation.start(root, List.of(SandboxOptions.of("sim-2", OURS)))) {
            Path real = sim.sandbox("sim-2").orElseThrow().recorded().stateFile();
            Path impostor = Files.createSymbolicLink(root.resolve("ev_sandbox:ev.state"), real);
            Files.createFile(root.resolve("ev_sandbox:ev.lock"));
            SandboxDiscovery d = discovery();
            assertEquals(List.of("sim-2"), ids(d.refresh()));
            assertEquals(1, d.numSandboxesTotal());
            assertTrue(logged("cannot read sandbox ev: state file " + impostor + ": holds the state of container "
                    + "\"sim-2\" of sandbox \"sim-2\", not of container \"ev\" of sandbox \"ev\" that its name gives"),
                    log::toString);
        }
    }

    @Test
    void shutDownAndTheCountsDoNotWaitForARefreshInProgress() throws Exception {
        CountDownLatch inRefresh = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // The log is called under the discovery lock: blocking it holds a refresh in the middle.
        SandboxDiscovery d = new SandboxDiscovery(ServerTestSupport.fastConfig(root, OURS, 8), Clock.systemUTC(), line -> {
            if (line.startsWith("serving sandbox")) {
                inRefresh.countDown();
                awaitQuietly(release);
            }
        });
        try (Simulation _ = Simulation.start(root, List.of(SandboxOptions.of("a", OURS)))) {
            Thread refresh = Thread.ofPlatform().daemon().start(d::refresh);
            try {
                assertTrue(inRefresh.await(BOUND.toSeconds(), TimeUnit.SECONDS), "the refresh never took the sandbox on");
                assertTimeoutPreemptively(Duration.ofSeconds(2), d::shutDown, "shutDown waited for the refresh");
                assertEquals(1, assertTimeoutPreemptively(Duration.ofSeconds(2), d::numSandboxesTotal));
                assertEquals(0, assertTimeoutPreemptively(Duration.ofSeconds(2), d::servedCount),
                        "the count of the last finished refresh");
            } finally {
                release.countDown();
                refresh.join(BOUND);
            }
            assertEquals(1, d.servedCount());
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
