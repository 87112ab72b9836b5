// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.sim.SandboxOptions;
import runsc.metrics.sim.Simulation;
import runsc.metrics.testing.ScratchDir;
import runsc.metrics.testing.SpecialFile;

/**
 * The whole server never hangs on its root: a FIFO where a state file should be holds up neither
 * scrapes nor shutdown, and shutdown ends within its bound whatever discovery is doing.
 */
class MetricServerBoundsTest {
    /** Far more than a scrape of one simulated sandbox takes, far less than a hang. */
    private static final Duration BOUND = Duration.ofSeconds(15);

    private final List<String> log = new CopyOnWriteArrayList<>();
    private Path dir;
    private Path root;
    private Path socket;
    private Simulation sim;
    private MetricServer server;

    @BeforeEach
    void setUp() throws IOException {
        dir = ServerTestSupport.shortDir();
        root = Files.createDirectories(dir.resolve("root"));
        socket = dir.resolve("m.sock");
        sim = Simulation.start(root, List.of(SandboxOptions.of("sb1", socket.toString())));
    }

    @AfterEach
    void tearDown() throws IOException {
        SpecialFile.cleanUp(dir);
        if (server != null) {
            server.close();
        }
        sim.close();
        ScratchDir.deleteTree(dir);
    }

    private MetricServer start(Consumer<String> serverLog) throws ServerStartException {
        ServerConfig config = ServerTestSupport.fastConfig(root, socket.toString(), 8);
        server = MetricServer.start(config, Optional.empty(), false, serverLog, new ControlSandboxQuery(config.root()));
        return server;
    }

    private ServerTestSupport.Response scrape() {
        return assertTimeoutPreemptively(BOUND, () -> ServerTestSupport.get(socket, "/metrics"), "/metrics did not answer");
    }

    @Test
    void aFifoInTheRootHoldsUpNeitherScrapesNorShutdown() throws Exception {
        Files.createFile(root.resolve("x_sandbox:x.lock"));
        Path fifo = SpecialFile.FIFO.create(root.resolve("x_sandbox:x.state"), dir);
        MetricServer s = start(log::add);
        for (int i = 0; i < 2; i++) {
            ServerTestSupport.Response r = scrape();
            assertEquals(200, r.status(), r.body());
            assertEquals(1, ServerTestSupport.lines(r.body(), "runsc_meta_sandbox_presence").size(), r.body());
        }
        assertTrue(log.contains("cannot read sandbox x: state file " + fifo + ": not a regular file (it is a FIFO)"),
                log::toString);
        assertTimeoutPreemptively(BOUND, s::close, "shutdown did not end");
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "socket left behind");
    }

    @Test
    void shutdownEndsWithinItsBoundWhileARefreshIsStuck() throws Exception {
        CountDownLatch inRefresh = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // Discovery logs under its lock: blocking the log holds a scrape's refresh in the middle.
        MetricServer s = start(line -> {
            log.add(line);
            if (line.startsWith("serving sandbox")) {
                inRefresh.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Thread client = Thread.ofPlatform().daemon().start(() -> {
            try {
                ServerTestSupport.get(socket, "/metrics");
            } catch (IOException e) {
                // The server cuts the stuck request off at shutdown: expected.
            }
        });
        try {
            assertTrue(inRefresh.await(BOUND.toSeconds(), TimeUnit.SECONDS), "the scrape never reached discovery");
            // fastConfig's scrape deadline is 2 s, so the bound is 7 s.
            assertEquals(Duration.ofSeconds(7), s.shutdownLimit());
            long start = System.nanoTime();
            assertTimeoutPreemptively(BOUND, s::close, "shutdown waited for the stuck refresh");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(s.shutdownLimit().plusSeconds(2)) < 0, "took " + took);
            assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "socket left behind");
            assertTrue(s.awaitStop(Duration.ZERO), "awaitStop after close");
        } finally {
            release.countDown();
            client.join(BOUND);
        }
    }
}
