// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.sim.SandboxOptions;
import runsc.metrics.sim.SimulatedSandbox;
import runsc.metrics.sim.Simulation;

/** Many requests at once, and sandboxes coming and going while the server scrapes them. */
class MetricServerLoadTest {
    private static final String BUSY = "too many concurrent /metrics requests (limit "
            + ServerConfig.DEFAULT_MAX_CONCURRENT_SCRAPES + ")\n";
    /** All the requests come from one client, which may have half the slots. */
    private static final String CLIENT_BUSY = "too many concurrent /metrics requests from this client (limit "
            + ServerConfig.DEFAULT_MAX_CONCURRENT_SCRAPES / 2 + " of " + ServerConfig.DEFAULT_MAX_CONCURRENT_SCRAPES + ")\n";
    /** The answer once those requests have spent the client's budget of refused requests. */
    private static final String REFUSED = "too many refused /metrics requests from this client";

    private final List<String> log = new CopyOnWriteArrayList<>();
    @TempDir
    Path root;

    @Test
    void answersFiftyConcurrentScrapesWithDataOrADocumentedBusyStatus() throws Exception {
        String address = "127.0.0.1:0";
        try (Simulation _ = Simulation.start(root, Simulation.options(10, "sb", address, "", 5, Map.of()));
             // Upstream's deadlines: this machine may be busy, and the point here is concurrency.
             MetricServer server = MetricServer.start(ServerConfig.of(root.toString(), address, "runsc_", 8), Optional.empty(), false,
                     log::add, new ControlSandboxQuery(root));
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ServerTestSupport.Response>> futures = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return ServerTestSupport.get(server.boundAddress(), "/metrics");
                }));
            }
            go.countDown();
            int ok = 0;
            int busy = 0;
            for (Future<ServerTestSupport.Response> f : futures) {
                ServerTestSupport.Response r = f.get();
                if (r.status() == 200) {
                    ok++;
                    ServerTestSupport.assertParses(r.body());
                    assertEquals(10, ServerTestSupport.lines(r.body(), "runsc_meta_sandbox_metadata").size(),
                            () -> "every sandbox answered: " + log.stream().filter(l -> l.startsWith("Could not")).toList());
                } else if (r.status() == 429) {
                    // Each 503 for this client's share is charged to its budget of refused
                    // requests: past it, the client's later connections are refused at accept.
                    busy++;
                    assertEquals("1", r.headers().get("retry-after"));
                    assertTrue(r.body().startsWith(REFUSED), r.body());
                } else {
                    busy++;
                    assertEquals(503, r.status());
                    assertEquals("text/plain; charset=utf-8", r.headers().get("content-type"));
                    assertTrue(r.body().equals(BUSY) || r.body().equals(CLIENT_BUSY), r.body());
                }
            }
            assertEquals(50, ok + busy);
            assertTrue(ok >= 1, "at least the first requests get data");
        }
    }

    @Test
    void neverBreaksAResponseWhileSandboxesComeAndGo() throws Exception {
        Path socket = root.resolve("m.sock");
        String address = socket.toString();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger cycles = new AtomicInteger();
        try (Simulation _ = Simulation.start(root, Simulation.options(3, "stay", address, "", 0, Map.of()));
             MetricServer _ = MetricServer.start(ServerConfig.of(root.toString(), address, "runsc_", 4), Optional.empty(), false,
                     log::add, new ControlSandboxQuery(root))) {
            Thread churn = Thread.ofPlatform().name("churn").start(() -> {
                List<SimulatedSandbox> alive = new ArrayList<>();
                int n = 0;
                try {
                    while (!stop.get()) {
                        alive.add(SimulatedSandbox.start(root, SandboxOptions.of("churn" + (n++ % 6), address)));
                        if (alive.size() > 2) {
                            alive.removeFirst().close();
                        }
                        cycles.incrementAndGet();
                        Thread.sleep(5);
                    }
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                } finally {
                    for (SimulatedSandbox s : alive) {
                        try {
                            s.close();
                        } catch (IOException e) {
                            // best effort at the end of the test
                        }
                    }
                }
            });
            try {
                for (int i = 0; i < 30; i++) {
                    ServerTestSupport.Response r = ServerTestSupport.get(socket, "/metrics");
                    assertEquals(200, r.status(), r.body());
                    ServerTestSupport.assertParses(r.body());
                    // The three steady sandboxes are always there.
                    assertTrue(ServerTestSupport.lines(r.body(), "runsc_meta_sandbox_metadata").size() >= 3, r.body());
                }
            } finally {
                stop.set(true);
                churn.join();
            }
            assertTrue(cycles.get() > 5, "the churn ran: " + cycles.get());
        }
    }
}
