// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import runsc.metrics.server.config.ServerConfig;

/** Each client's share of the {@code /metrics} requests, through the router. */
class ClientSharesTest {
    private static final ServerConfig CONFIG = ServerConfig.of("/run/runsc", "test", "runsc_", 8).withMaxConcurrentScrapes(4);

    private final List<String> log = new CopyOnWriteArrayList<>();
    /** The metric filter of each scrape the source has begun, in order. */
    private final BlockingQueue<String> begun = new LinkedBlockingQueue<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

    /** A source whose scrapes wait for {@link #release}. */
    private final MetricsSource held = (q, out) -> {
        begun.add(q.metricsFilter().map(f -> f.source()).orElse(""));
        try {
            release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.write("x\n".getBytes(StandardCharsets.UTF_8));
    };

    /** A router with room for 4 concurrent requests, 2 per client, scraping {@link #held}. */
    private final Router router = new Router(CONFIG, held, () -> false, log::add);

    @AfterEach
    void stop() {
        release.countDown();
        pool.close();
    }

    private static HttpRequest metrics(String filter, String client) {
        String target = filter.isEmpty() ? "/metrics" : "/metrics?" + Router.METRICS_FILTER_PARAM + "=" + filter;
        return HttpRequest.of("GET", target, HttpHeaders.EMPTY, new byte[0], client);
    }

    private Future<HttpResponse> submit(String filter, String client) {
        return submit(router, filter, client);
    }

    private Future<HttpResponse> submit(Router to, String filter, String client) {
        return pool.submit(() -> to.handle(metrics(filter, client)));
    }

    /** Lets the held scrapes finish and asserts that each request got data. */
    private void releaseAndAssertServed(List<Future<HttpResponse>> requests) throws Exception {
        release.countDown();
        for (Future<HttpResponse> f : requests) {
            assertEquals(200, f.get(10, TimeUnit.SECONDS).status());
        }
    }

    @Test
    void aClientScrapesOneAtATimeWhileOthersScrapeBesideIt() throws Exception {
        Future<HttpResponse> first = submit("a_.*", "192.0.2.1");
        assertEquals("a_.*", begun.poll(10, TimeUnit.SECONDS));
        Future<HttpResponse> second = submit("b_.*", "192.0.2.1");
        Future<HttpResponse> other = submit("", "192.0.2.2");
        assertEquals("", begun.poll(10, TimeUnit.SECONDS), "another client's scrape runs beside the first");
        assertNull(begun.poll(300, TimeUnit.MILLISECONDS), "the first client's second scrape waits for its first");
        releaseAndAssertServed(List.of(first, other));
        assertEquals("b_.*", begun.poll(10, TimeUnit.SECONDS), "and runs once the first is done");
        assertEquals(200, second.get(10, TimeUnit.SECONDS).status());
    }

    @Test
    void aClientsUnfilteredRequestTakesNoTurn() throws Exception {
        Future<HttpResponse> filtered = submit("a_.*", "192.0.2.1");
        assertEquals("a_.*", begun.poll(10, TimeUnit.SECONDS));
        Future<HttpResponse> plain = submit("", "192.0.2.1");
        assertEquals("", begun.poll(10, TimeUnit.SECONDS), "the unfiltered scrape runs beside the filtered one");
        releaseAndAssertServed(List.of(filtered, plain));
    }

    @Test
    void refusesAClientBeyondHalfOfTheSlotsAndKeepsTheRestForOthers() throws Exception {
        Future<HttpResponse> first = submit("a", "user nobody");
        assertEquals("a", begun.poll(10, TimeUnit.SECONDS));
        Future<HttpResponse> queued = submit("b", "user nobody");
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (router.shares().requestsOf("user nobody") < 2 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertEquals(2, router.shares().requestsOf("user nobody"), "the second request waits in its slot");
        HttpResponse third = router.handle(metrics("c", "user nobody"));
        assertEquals(503, third.status());
        assertEquals("too many concurrent /metrics requests from this client (limit 2 of 4)\n", third.bodyText());
        assertTrue(log.contains("Request: /metrics: user nobody has 2 requests in progress already"), log.toString());
        Future<HttpResponse> other = submit("", "user root");
        assertEquals("", begun.poll(10, TimeUnit.SECONDS), "another client still gets a slot and a scrape");
        releaseAndAssertServed(List.of(first, queued, other));
        assertEquals(200, router.handle(metrics("d", "user nobody")).status(), "the share is given back");
    }

    @Test
    void aRequestWhoseTurnDoesNotComeByTheDeadlineGets503() throws Exception {
        Router router = new Router(CONFIG.withDeadlines(Duration.ofMillis(300), Duration.ofMillis(100)), held, () -> false,
                log::add);
        Future<HttpResponse> first = submit(router, "a", "192.0.2.1");
        assertEquals("a", begun.poll(10, TimeUnit.SECONDS));
        HttpResponse late = router.handle(metrics("b", "192.0.2.1"));
        assertEquals(503, late.status());
        assertEquals("context deadline exceeded: this client's earlier /metrics requests were still running at the "
                + "scrape deadline\n", late.bodyText());
        assertFalse(begun.contains("b"), "the late request never scraped");
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
    }

    @Test
    void givesEveryClientHalfTheCapRoundedUp() {
        assertEquals(4, new ClientShares(8).perClient());
        assertEquals(1, new ClientShares(1).perClient());
        assertEquals(2, new ClientShares(3).perClient());
        ClientShares shares = new ClientShares(2);
        ClientShares.Client c = shares.enter("");
        assertNull(shares.enter(""), "requests of unknown clients share one client");
        assertEquals(1, shares.requestsOf(""));
        shares.leave(c);
        assertEquals(0, shares.requestsOf(""));
        assertEquals(0, shares.clientsInProgress(), "a client without requests is forgotten");
    }
}
