// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import runsc.metrics.server.config.ServerConfig;

/** The router charges refused {@code /metrics} requests to their client and answers a client that spent its budget with 429. */
class RefusalBudgetRouteTest {
    private static final String ROOT = "/run/runsc";
    private static final ServerConfig CONFIG = ServerConfig.of(ROOT, "test", "runsc_", 8);
    private static final long SECOND = 1_000_000_000L;
    private static final String ATTACKER = "192.0.2.1";
    private static final String OTHER = "192.0.2.2";
    private static final String BAD_FILTER = "/metrics?" + Router.METRICS_FILTER_PARAM + "=%28";

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final AtomicLong now = new AtomicLong(5 * SECOND);
    private final RefusalBudget budget = new RefusalBudget(RefusalBudget.BURST, RefusalBudget.REFILL_PER_SECOND,
            RefusalBudget.MAX_CLIENTS, now::get);
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() {
        pool.close();
    }

    private Router router(MetricsSource source) {
        return router(CONFIG, source);
    }

    private Router router(ServerConfig config, MetricsSource source) {
        return new Router(config, source, List::of, () -> false, log::add, budget);
    }

    private static MetricsSource plain() {
        return (q, out) -> out.write("x 1\n".getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse get(Router router, String target, String client) {
        return router.handle(HttpRequest.of("GET", target, HttpHeaders.EMPTY, new byte[0], client));
    }

    private static String header(HttpResponse r, String name) {
        return r.headers().stream().filter(h -> h.name().equals(name)).map(Header::value).findFirst().orElse(null);
    }

    private static void assertTooMany(HttpResponse r, String retryAfter) {
        assertEquals(429, r.status(), () -> new String(r.buffer(), 0, r.bodyLength(), StandardCharsets.UTF_8));
        assertEquals(retryAfter, header(r, "Retry-After"));
        assertTrue(r.close(), "a 429 keeps the connection open");
    }

    @Test
    void aClientThatSendsBadFiltersIsRefusedUntilTheRefillWhileOthersAreServed() {
        Router router = router(plain());
        for (int i = 0; i < RefusalBudget.BURST; i++) {
            assertEquals(400, get(router, BAD_FILTER, ATTACKER).status(), "bad filter " + i);
        }
        assertTooMany(get(router, "/metrics", ATTACKER), "1");
        assertTooMany(get(router, "/runsc-metrics/pid", ATTACKER), "1");
        assertEquals(1, router.refuseConnectionFor(ATTACKER));
        assertTrue(log.stream().anyMatch(l -> l.contains(ATTACKER) && l.contains("budget of refused requests")), log::toString);

        assertEquals(200, get(router, "/metrics", OTHER).status(), "another client was refused");
        assertEquals(0, router.refuseConnectionFor(OTHER));
        assertEquals(200, get(router, "/runsc-metrics/healthcheck?root=" + ROOT, ATTACKER).status(),
                "the healthcheck of a refused client was refused");

        now.addAndGet(SECOND);
        assertEquals(0, router.refuseConnectionFor(ATTACKER));
        assertEquals(200, get(router, "/metrics", ATTACKER).status(), "not served after the refill");
    }

    @Test
    void everyKindOfFilterRefusalIsCharged() {
        Router router = router(plain());
        String tooLong = "/metrics?" + Router.CAPABILITY_FILTER_PARAM + "=" + "a".repeat(Router.MAX_FILTER_BYTES + 1);
        String badCapability = "/metrics?" + Router.CAPABILITY_FILTER_PARAM + "=%5B";
        String encoded = "/metrics%3F" + Router.METRICS_FILTER_PARAM + "=%2528";
        for (int i = 0; i < RefusalBudget.BURST; i++) {
            String target = List.of(tooLong, badCapability, encoded).get(i % 3);
            assertEquals(400, get(router, target, ATTACKER).status(), target);
        }
        assertTooMany(get(router, "/metrics", ATTACKER), "1");
    }

    @Test
    void aFilterOverTheRegexBudgetCostsMore() {
        Router router = router((q, out) -> {
            if (q.metricsFilter().isPresent()) {
                throw new FilterRejectedException("provided metric filter ran past its budget", null);
            }
            out.write("x 1\n".getBytes(StandardCharsets.UTF_8));
        });
        String slow = "/metrics?" + Router.METRICS_FILTER_PARAM + "=a.*";
        int served = 0;
        while (get(router, slow, ATTACKER).status() == 400) {
            served++;
        }
        assertEquals((RefusalBudget.BURST + RefusalBudget.REGEX_BUDGET_COST - 1) / RefusalBudget.REGEX_BUDGET_COST, served);
        assertTooMany(get(router, "/metrics", ATTACKER), "1");
    }

    @Test
    void aClientWhoseShareIsTakenIsCharged() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch begun = new CountDownLatch(1);
        // Two slots in all, one per client.
        Router router = router(CONFIG.withMaxConcurrentScrapes(2), (q, out) -> {
            begun.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write("x 1\n".getBytes(StandardCharsets.UTF_8));
        });
        Future<HttpResponse> held = pool.submit(() -> get(router, "/metrics", ATTACKER));
        assertTrue(begun.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < RefusalBudget.BURST; i++) {
            assertEquals(503, get(router, "/metrics", ATTACKER).status(), "request " + i);
        }
        assertTooMany(get(router, "/metrics", ATTACKER), "1");
        release.countDown();
        assertEquals(200, held.get(10, TimeUnit.SECONDS).status());
    }

    @Test
    void anHonestClientWithABadFilterEveryFewSecondsIsNeverRefused() {
        Router router = router(plain());
        for (int t = 0; t < 600; t += 3) {
            assertEquals(400, get(router, BAD_FILTER, ATTACKER).status(), "at " + t + " s");
            assertEquals(200, get(router, "/metrics", ATTACKER).status(), "at " + t + " s");
            now.addAndGet(3 * SECOND);
        }
        // And several bad filters at once, every 15 s.
        for (int t = 0; t < 600; t += 15) {
            for (int i = 0; i < 5; i++) {
                assertEquals(400, get(router, BAD_FILTER, ATTACKER).status(), "at " + t + " s");
            }
            assertEquals(200, get(router, "/metrics", ATTACKER).status(), "at " + t + " s");
            now.addAndGet(15 * SECOND);
        }
        assertEquals(0, router.refuseConnectionFor(ATTACKER));
    }

    @Test
    void theServerWideCapAndFailedScrapesAreNotCharged() {
        Router router = router((q, out) -> {
            throw new java.io.IOException("no sandbox answered");
        });
        for (int i = 0; i < 3 * RefusalBudget.BURST; i++) {
            assertEquals(503, get(router, "/metrics", ATTACKER).status());
        }
        assertEquals(0, router.refuseConnectionFor(ATTACKER));
    }
}
