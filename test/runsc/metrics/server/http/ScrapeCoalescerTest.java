// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ScrapeCoalescerTest {
    private static final ScrapeCoalescer.Key ALL = new ScrapeCoalescer.Key("", "");

    private final AtomicInteger scrapes = new AtomicInteger();
    private final CountDownLatch firstEntered = new CountDownLatch(1);
    private final CountDownLatch releaseFirst = new CountDownLatch(1);

    /** A scrape whose first run blocks until released; each run answers its own number. */
    private final Supplier<HttpResponse> scrape = () -> {
        int n = scrapes.incrementAndGet();
        if (n == 1) {
            firstEntered.countDown();
            await(releaseFirst);
        }
        return HttpResponse.of(200, "text/plain", ("scrape " + n).getBytes(StandardCharsets.UTF_8));
    };

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A request for all sandboxes through {@code c}, on a thread of {@code pool}. */
    private Future<HttpResponse> request(ExecutorService pool, ScrapeCoalescer c) {
        return pool.submit(() -> c.scrape(ALL, System.nanoTime(), scrape));
    }

    /** A {@link #request} that runs the first scrape, returned once that scrape has started; it blocks until {@code releaseFirst}. */
    private Future<HttpResponse> runningFirst(ExecutorService pool, ScrapeCoalescer c) {
        Future<HttpResponse> first = request(pool, c);
        await(firstEntered);
        return first;
    }

    @Test
    void aLoneRequestRunsItsOwnScrape() {
        ScrapeCoalescer c = new ScrapeCoalescer(Duration.ofSeconds(30));
        releaseFirst.countDown();
        assertEquals("scrape 1", c.scrape(ALL, System.nanoTime(), scrape).bodyText());
        assertEquals("scrape 2", c.scrape(ALL, System.nanoTime(), scrape).bodyText());
    }

    @Test
    void requestsArrivingDuringAScrapeShareTheNextOneNotTheRunningOne() throws Exception {
        ScrapeCoalescer c = new ScrapeCoalescer(Duration.ofSeconds(30));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<HttpResponse> first = runningFirst(pool, c);
            List<Future<HttpResponse>> later = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                later.add(request(pool, c));
            }
            // All six are queued behind the running scrape before it is released.
            Thread.sleep(200);
            assertEquals(1, scrapes.get(), "nothing else may start while the first scrape runs");
            releaseFirst.countDown();
            assertEquals("scrape 1", first.get(10, TimeUnit.SECONDS).bodyText());
            HttpResponse shared = later.get(0).get(10, TimeUnit.SECONDS);
            assertEquals("scrape 2", shared.bodyText());
            for (Future<HttpResponse> f : later) {
                assertSame(shared, f.get(10, TimeUnit.SECONDS));
            }
        }
        assertEquals(2, scrapes.get());
    }

    @Test
    void differentFiltersDoNotShare() throws Exception {
        ScrapeCoalescer c = new ScrapeCoalescer(Duration.ofSeconds(30));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<HttpResponse> first = runningFirst(pool, c);
            HttpResponse filtered = c.scrape(new ScrapeCoalescer.Key("^fs_", ""), System.nanoTime(), scrape);
            assertEquals("scrape 2", filtered.bodyText(), "another key starts at once");
            releaseFirst.countDown();
            assertNotSame(filtered, first.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aScrapeStuckPastTheDeadlineFailsTheNextFlightWith503() throws Exception {
        ScrapeCoalescer c = new ScrapeCoalescer(Duration.ofMillis(300), Duration.ofMillis(100));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<HttpResponse> first = runningFirst(pool, c);
            long start = System.nanoTime();
            Future<HttpResponse> leader = request(pool, c);
            Thread.sleep(50);
            Future<HttpResponse> follower = request(pool, c);
            HttpResponse r = leader.get(10, TimeUnit.SECONDS);
            assertEquals(503, r.status());
            assertEquals("context deadline exceeded: an earlier scrape was still running at the scrape deadline\n",
                    r.bodyText());
            assertSame(r, follower.get(10, TimeUnit.SECONDS), "the follower shares the leader's failure");
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(waitedMillis >= 250 && waitedMillis < 5000, "waited " + waitedMillis + " ms");
            releaseFirst.countDown();
            assertEquals(200, first.get(10, TimeUnit.SECONDS).status());
        }
        assertEquals(1, scrapes.get(), "the flight that timed out never scraped");
        assertEquals("scrape 2", c.scrape(ALL, System.nanoTime(), scrape).bodyText(), "and nothing is left behind");
    }

    @Test
    void aFollowerStopsWaitingAtTheLeadersDeadlinePlusSlack() throws Exception {
        ScrapeCoalescer c = new ScrapeCoalescer(Duration.ofMillis(200), Duration.ofMillis(100));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            // The leader's own scrape ignores every deadline: the follower must still come back.
            Future<HttpResponse> leader = runningFirst(pool, c);
            // A follower can only join a flight that has not started; this one has, so it leads a new
            // flight that waits for the stuck one, and a third request follows it.
            Future<HttpResponse> second = request(pool, c);
            Thread.sleep(20);
            HttpResponse third = c.scrape(ALL, System.nanoTime(), scrape);
            assertEquals(503, third.status());
            assertSame(third, second.get(10, TimeUnit.SECONDS));
            releaseFirst.countDown();
            assertEquals("scrape 1", leader.get(10, TimeUnit.SECONDS).bodyText());
        }
    }

    @Test
    void aLeaderThatThrowsStillReleasesItsFollowers() throws Exception {
        ScrapeCoalescer c = new ScrapeCoalescer(Duration.ofSeconds(30));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Supplier<HttpResponse> broken = () -> {
            entered.countDown();
            await(release);
            throw new IllegalStateException("bug");
        };
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<HttpResponse> running = runningFirst(pool, c);
            Future<HttpResponse> leader = pool.submit(() -> c.scrape(ALL, System.nanoTime(), broken));
            Thread.sleep(50);
            Future<HttpResponse> follower = request(pool, c);
            Thread.sleep(50);
            releaseFirst.countDown();
            await(entered);
            release.countDown();
            assertEquals(200, running.get(10, TimeUnit.SECONDS).status());
            // Both get the bug, so that the router turns it into 500 for each, in its one place for that.
            ExecutionException followerFailure = assertThrows(ExecutionException.class,
                    () -> follower.get(10, TimeUnit.SECONDS));
            assertEquals("the shared scrape failed", followerFailure.getCause().getMessage());
            assertEquals("bug", followerFailure.getCause().getCause().getMessage());
            ExecutionException leaderFailure = assertThrows(ExecutionException.class, () -> leader.get(10, TimeUnit.SECONDS));
            assertEquals("bug", leaderFailure.getCause().getMessage());
        }
    }
}
