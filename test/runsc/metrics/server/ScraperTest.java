// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import runsc.metrics.exposition.Data;
import runsc.metrics.exposition.Metric;
import runsc.metrics.exposition.MetricType;
import runsc.metrics.exposition.NumberValue;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.regex.MatchBudget;
import runsc.metrics.regex.Re2Pattern;
import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.sim.Fault;
import runsc.metrics.sim.SandboxOptions;
import runsc.metrics.sim.ScriptedReply;
import runsc.metrics.sim.Simulation;

/** The fan-out of one scrape: order, timeouts, deadline, parallelism, per-sandbox failures. */
class ScraperTest {
    private static final String ADDRESS = "/x/metrics.sock";

    private final List<String> log = new CopyOnWriteArrayList<>();
    @TempDir
    Path root;

    private Simulation simulate(int n) throws IOException {
        return Simulation.start(root, Simulation.options(n, "sb", ADDRESS, "", 0, Map.of()));
    }

    private List<ServedSandbox> served(ServerConfig config) {
        return ServerTestSupport.discovery(config, log).refresh();
    }

    private static long deadlineIn(Duration d) {
        return System.nanoTime() + d.toNanos();
    }

    /**
     * A query that never answers: it waits until its deadline (as a stalled sandbox keeps the
     * connection open) and returns the timeout it then fails with; an interrupt ends the wait early.
     */
    private static SocketTimeoutException stallUntil(long deadlineNanos, String message) {
        long wait = deadlineNanos - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(Duration.ofNanos(wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new SocketTimeoutException(message);
    }

    private static List<String> ids(List<SandboxResult> results) {
        return results.stream().map(r -> r.sandbox().id()).toList();
    }

    @Test
    void returnsResultsSortedBySandboxId() throws Exception {
        ServerConfig config = ServerTestSupport.fastConfig(root, ADDRESS, 8);
        try (Simulation _ = simulate(12)) {
            List<ServedSandbox> sandboxes = new ArrayList<>(served(config));
            java.util.Collections.reverse(sandboxes);
            Scraper scraper = new Scraper(config, (s, f, d) -> ServerTestSupport.validSnapshot(s, 1), log::add);
            List<SandboxResult> results = scraper.scrape(sandboxes, FilterMatcher.none(), deadlineIn(Duration.ofSeconds(2)));
            assertEquals(List.of("sb1", "sb10", "sb11", "sb12", "sb2", "sb3", "sb4", "sb5", "sb6", "sb7", "sb8", "sb9"), ids(results));
            results.forEach(r -> assertInstanceOf(SandboxResult.Ok.class, r));
            results.forEach(r -> assertTrue(r.running()));
        }
    }

    @Test
    void queriesTheSandboxesInAFreshRandomOrderEachScrape() throws Exception {
        ServerConfig config = ServerTestSupport.fastConfig(root, ADDRESS, 1);
        try (Simulation _ = simulate(6)) {
            List<ServedSandbox> sandboxes = served(config);
            List<String> calls = new CopyOnWriteArrayList<>();
            Scraper scraper = new Scraper(config, (s, f, d) -> {
                calls.add(s.sandbox().id());
                return ServerTestSupport.validSnapshot(s, 1);
            }, log::add);
            Set<List<String>> orders = new HashSet<>();
            for (int i = 0; i < 8; i++) {
                calls.clear();
                scraper.scrape(sandboxes, FilterMatcher.none(), deadlineIn(Duration.ofSeconds(2)));
                assertEquals(Set.of("sb1", "sb2", "sb3", "sb4", "sb5", "sb6"), Set.copyOf(calls));
                assertEquals(6, calls.size(), "each sandbox once");
                orders.add(List.copyOf(calls));
            }
            // Eight identical permutations of six have probability 720^-7.
            assertTrue(orders.size() > 1, () -> "always the same order: " + orders);
        }
    }

    /** Records, per sandbox, how far its deadline lay from the moment it was asked. */
    private Map<String, Long> budgets(int n, int maxParallel) throws Exception {
        ServerConfig config = ServerTestSupport.fastConfig(root, ADDRESS, maxParallel);
        Map<String, Long> budget = new ConcurrentHashMap<>();
        try (Simulation _ = simulate(n)) {
            Scraper scraper = new Scraper(config, (s, f, d) -> {
                budget.put(s.sandbox().id(), d - System.nanoTime());
                return ServerTestSupport.validSnapshot(s, 1);
            }, log::add);
            scraper.scrape(served(config), FilterMatcher.none(), deadlineIn(config.scrapeDeadline()));
        }
        return budget;
    }

    @Test
    void givesOneSandboxTheWholeScrapeDeadline() throws Exception {
        long budget = budgets(1, 8).get("sb1");
        assertTrue(budget > TimeUnit.MILLISECONDS.toNanos(1500) && budget <= TimeUnit.SECONDS.toNanos(2),
                () -> "budget " + budget);
    }

    @Test
    void givesEachOfTwoSandboxesHalfTheTimeLeft() throws Exception {
        Map<String, Long> budgets = budgets(2, 8);
        for (long budget : budgets.values()) {
            assertTrue(budget > TimeUnit.MILLISECONDS.toNanos(700) && budget <= TimeUnit.SECONDS.toNanos(1),
                    () -> "budgets " + budgets);
        }
    }

    @Test
    void neverGivesASandboxLessThanTheFloor() throws Exception {
        // 2 s / 10 = 200 ms < the 500 ms floor.
        Map<String, Long> budgets = budgets(10, 10);
        assertEquals(10, budgets.size());
        for (long budget : budgets.values()) {
            assertTrue(budget > TimeUnit.MILLISECONDS.toNanos(300) && budget <= TimeUnit.MILLISECONDS.toNanos(500),
                    () -> "budgets " + budgets);
        }
    }

    @Test
    void aStalledSandboxAmongTwentyCostsOnlyItself() throws Exception {
        // Budgets roomy enough for a busy CI machine: the stalled query ends at the 1.5 s floor.
        ServerConfig config = ServerTestSupport.config(root, ADDRESS, 8, Duration.ofSeconds(4), Duration.ofMillis(1500));
        try (Simulation _ = Simulation.start(root, Simulation.options(20, "sb", ADDRESS, "", 0,
                Map.of("sb7", new Fault(Fault.Kind.STALL, 0))))) {
            Scraper scraper = new Scraper(config, new ControlSandboxQuery(root), log::add);
            long start = System.nanoTime();
            List<SandboxResult> results = scraper.scrape(served(config), FilterMatcher.none(), start + config.scrapeDeadline().toNanos());
            long elapsed = System.nanoTime() - start;
            assertTrue(elapsed < config.scrapeDeadline().toNanos(), () -> "took " + elapsed / 1_000_000 + " ms");
            assertEquals(20, results.size());
            for (SandboxResult r : results) {
                if (r.sandbox().id().equals("sb7")) {
                    SandboxResult.Failed failed = assertInstanceOf(SandboxResult.Failed.class, r);
                    assertTrue(failed.running(), "a stalled live sandbox counts as broken");
                } else {
                    assertInstanceOf(SandboxResult.Ok.class, r, r.sandbox().id());
                    assertFalse(((SandboxResult.Ok) r).snapshot().data().isEmpty());
                }
            }
            assertTrue(log.stream().anyMatch(l -> l.startsWith("Could not export metrics from sandbox sb7: ")), log::toString);
        }
    }

    @Test
    void fortyStalledOfAHundredLeaveEveryHealthySandboxItsDataInEveryScrape() throws Exception {
        // Scaled timings: a stalled query runs to its 2 s floor, so forty of them would need 10 s of
        // eight workers' time, more than the 8 s deadline; queried in a random order, healthy
        // sandboxes queued behind them would get no turn. The first scrape knows nothing of them.
        ServerConfig config = ServerTestSupport.config(root, ADDRESS, 8, Duration.ofSeconds(8), Duration.ofSeconds(2));
        try (Simulation _ = simulate(100)) {
            List<ServedSandbox> sandboxes = served(config);
            Set<String> stalled = new HashSet<>();
            for (int i = 1; i <= 100; i += 5) {
                stalled.add("sb" + i);
                stalled.add("sb" + (i + 2));
            }
            assertEquals(40, stalled.size());
            Scraper scraper = new Scraper(config, (s, f, d) -> {
                if (!stalled.contains(s.sandbox().id())) {
                    return ServerTestSupport.validSnapshot(s, 1);
                }
                throw stallUntil(d, "sandbox " + s.sandbox().id() + ": no reply before the deadline");
            }, log::add);
            for (int scrape = 1; scrape <= 3; scrape++) {
                List<SandboxResult> results = scraper.scrape(sandboxes, FilterMatcher.none(), deadlineIn(config.scrapeDeadline()));
                assertEquals(100, results.size());
                List<String> healthyWithoutData = new ArrayList<>();
                for (SandboxResult r : results) {
                    if (stalled.contains(r.sandbox().id())) {
                        assertInstanceOf(SandboxResult.Failed.class, r, r.sandbox().id());
                    } else if (!(r instanceof SandboxResult.Ok)) {
                        healthyWithoutData.add(r.sandbox().id());
                    }
                }
                int n = scrape;
                assertEquals(List.of(), healthyWithoutData, () -> "healthy sandboxes without data in scrape " + n);
            }
        }
    }

    @Test
    void aSlowQueryGivesUpItsSlotAfterAQuarterOfItsBudgetWithFourTimesMaxParallelInAll() throws Exception {
        // 20 stalled sandboxes, two slots, 4 s budgets: each query gives up its slot after 1 s.
        ServerConfig config = ServerTestSupport.config(root, ADDRESS, 2, Duration.ofSeconds(5), Duration.ofSeconds(4));
        try (Simulation _ = simulate(20)) {
            AtomicInteger now = new AtomicInteger();
            AtomicInteger max = new AtomicInteger();
            List<Long> starts = new CopyOnWriteArrayList<>();
            long t0 = System.nanoTime();
            Scraper scraper = new Scraper(config, (s, f, d) -> {
                starts.add(System.nanoTime() - t0);
                max.accumulateAndGet(now.incrementAndGet(), Math::max);
                try {
                    throw stallUntil(d, "stalled");
                } finally {
                    now.decrementAndGet();
                }
            }, log::add);
            scraper.scrape(served(config), FilterMatcher.none(), t0 + config.scrapeDeadline().toNanos());
            assertTrue(max.get() > 2, () -> "no slot was given up: at most " + max.get() + " queries at once");
            assertTrue(max.get() <= 8, () -> max.get() + " queries at once, more than four times max-parallel");
            List<Long> sorted = starts.stream().sorted().toList();
            assertTrue(sorted.get(2) >= TimeUnit.MILLISECONDS.toNanos(900), () -> "a third query began before the first"
                    + " two had run for 1 s: " + sorted);
        }
    }

    @Test
    void queriesTheSandboxesThatRanOutOfTimeLastUntilTheyAnswerAgain() throws Exception {
        ServerConfig config = ServerTestSupport.config(root, ADDRESS, 1, Duration.ofMillis(1500), Duration.ofMillis(200));
        try (Simulation _ = simulate(6)) {
            List<ServedSandbox> sandboxes = served(config);
            Set<String> stalling = ConcurrentHashMap.newKeySet();
            stalling.addAll(Set.of("sb2", "sb5"));
            List<String> calls = new CopyOnWriteArrayList<>();
            Scraper scraper = new Scraper(config, (s, f, d) -> {
                calls.add(s.sandbox().id());
                if (stalling.contains(s.sandbox().id())) {
                    throw stallUntil(d, "stalled");
                }
                return ServerTestSupport.validSnapshot(s, 1);
            }, log::add);
            scraper.scrape(sandboxes, FilterMatcher.none(), deadlineIn(config.scrapeDeadline()));
            Set<List<String>> orders = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                calls.clear();
                scraper.scrape(sandboxes, FilterMatcher.none(), deadlineIn(config.scrapeDeadline()));
                assertEquals(Set.of("sb2", "sb5"), Set.copyOf(calls.subList(4, 6)), calls::toString);
                orders.add(List.copyOf(calls.subList(0, 4)));
            }
            assertTrue(orders.size() > 1, () -> "the healthy ones lost their random order: " + orders);
            // sb2 answers again: from the next scrape on it is queried among the others.
            stalling.remove("sb2");
            scraper.scrape(sandboxes, FilterMatcher.none(), deadlineIn(config.scrapeDeadline()));
            boolean sb2Early = false;
            for (int i = 0; i < 10 && !sb2Early; i++) {
                calls.clear();
                scraper.scrape(sandboxes, FilterMatcher.none(), deadlineIn(config.scrapeDeadline()));
                assertEquals("sb5", calls.getLast(), calls::toString);
                sb2Early = calls.indexOf("sb2") < 4;
            }
            assertTrue(sb2Early, "sb2 stayed last after it answered again");
        }
    }

    @Test
    void failsASandboxStillQueuedAtTheDeadlineAtOnce() throws Exception {
        // One worker; each query uses its whole budget (500 ms floor, capped by the 1 s deadline),
        // so the third sandbox is still queued when the deadline passes.
        ServerConfig config = ServerTestSupport.config(root, ADDRESS, 1, Duration.ofSeconds(1), Duration.ofMillis(500));
        try (Simulation _ = simulate(3)) {
            AtomicInteger calls = new AtomicInteger();
            Scraper scraper = new Scraper(config, (s, f, d) -> {
                calls.incrementAndGet();
                throw stallUntil(d, "sandbox " + s.sandbox().id() + ": deadline");
            }, log::add);
            long start = System.nanoTime();
            List<SandboxResult> results = scraper.scrape(served(config), FilterMatcher.none(), start + config.scrapeDeadline().toNanos());
            assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1800), "returned soon after the deadline");
            assertEquals(2, calls.get(), "the last sandbox is never asked");
            List<String> messages = results.stream().map(r -> ((SandboxResult.Failed) r).error().getMessage()).toList();
            assertEquals(1, messages.stream()
                    .filter("context deadline exceeded: the scrape deadline passed before this sandbox's turn"::equals).count(),
                    messages::toString);
            results.forEach(r -> assertTrue(r.running()));
        }
    }

    @Test
    void neverRunsMoreQueriesAtOnceThanMaxParallel() throws Exception {
        ServerConfig config = ServerTestSupport.fastConfig(root, ADDRESS, 3);
        try (Simulation _ = simulate(12)) {
            AtomicInteger now = new AtomicInteger();
            AtomicInteger max = new AtomicInteger();
            Scraper scraper = new Scraper(config, (s, f, d) -> {
                max.accumulateAndGet(now.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    now.decrementAndGet();
                }
                return ServerTestSupport.validSnapshot(s, 1);
            }, log::add);
            List<SandboxResult> results = scraper.scrape(served(config), FilterMatcher.none(), deadlineIn(Duration.ofSeconds(5)));
            results.forEach(r -> assertInstanceOf(SandboxResult.Ok.class, r));
            assertEquals(3, max.get());
        }
    }

    @Test
    void anExceptionOfTheQueryCostsOnlyItsSandbox() throws Exception {
        ServerConfig config = ServerTestSupport.fastConfig(root, ADDRESS, 2);
        try (Simulation _ = simulate(3)) {
            Scraper scraper = new Scraper(config, (s, f, d) -> {
                if (s.sandbox().id().equals("sb2")) {
                    throw new IllegalStateException("boom");
                }
                return ServerTestSupport.validSnapshot(s, 1);
            }, log::add);
            List<SandboxResult> results = scraper.scrape(served(config), FilterMatcher.none(), deadlineIn(Duration.ofSeconds(2)));
            assertInstanceOf(SandboxResult.Ok.class, results.get(0));
            assertEquals("internal error while querying: java.lang.IllegalStateException: boom",
                    assertInstanceOf(SandboxResult.Failed.class, results.get(1)).error().getMessage());
            assertInstanceOf(SandboxResult.Ok.class, results.get(2));
        }
    }

    @Test
    void eachMisbehavingSandboxFailsAloneAndCountsAsBroken() throws Exception {
        ServerConfig config = ServerTestSupport.fastConfig(root, ADDRESS, 8);
        Snapshot outsideFilter = new Snapshot(Instant.now(), List.of(Data.ofNumber(
                new Metric("netstack_tcp_current_open", MetricType.GAUGE, "TCP connections open right now (any connected state)."),
                Map.of(), NumberValue.ofInt(1))));
        List<SandboxOptions> options = List.of(
                SandboxOptions.of("a-ok", ADDRESS),
                SandboxOptions.of("b-regress", ADDRESS).withFault(Fault.parse("regress")),
                SandboxOptions.of("c-garbage", ADDRESS).withFault(Fault.parse("garbage")),
                SandboxOptions.of("d-close", ADDRESS).withFault(Fault.parse("close")),
                SandboxOptions.of("e-huge", ADDRESS).withFault(Fault.parse("huge")),
                SandboxOptions.of("f-filter", ADDRESS).withReplyScript(
                        call -> ScriptedReply.snapshot(new Snapshot(ServerTestSupport.freshTime(), outsideFilter.data()))));
        try (Simulation _ = Simulation.start(root, options)) {
            List<ServedSandbox> sandboxes = served(config);
            assertEquals(6, sandboxes.size());
            Scraper scraper = new Scraper(config, new ControlSandboxQuery(root), log::add);
            FilterMatcher filter = FilterMatcher.of(Optional.of(Re2Pattern.compile("^fs_")), MatchBudget.of(Duration.ofSeconds(5)));
            List<SandboxResult> first = scraper.scrape(sandboxes, filter, deadlineIn(Duration.ofSeconds(2)));
            assertInstanceOf(SandboxResult.Ok.class, first.get(1), "the regressing counter is fine the first time");
            List<SandboxResult> results = scraper.scrape(sandboxes, filter, deadlineIn(Duration.ofSeconds(2)));
            assertEquals(List.of("a-ok", "b-regress", "c-garbage", "d-close", "e-huge", "f-filter"), ids(results));
            assertInstanceOf(SandboxResult.Ok.class, results.get(0));
            for (SandboxResult r : results.subList(1, 6)) {
                SandboxResult.Failed failed = assertInstanceOf(SandboxResult.Failed.class, r, r.sandbox().id());
                assertTrue(failed.running(), r.sandbox().id());
            }
            String regress = ((SandboxResult.Failed) results.get(1)).error().getMessage();
            assertTrue(regress.startsWith("invalid snapshot: ") && regress.contains("counter value decreased from "), regress);
            assertEquals("sandbox f-filter: metric \"netstack_tcp_current_open\" violated the filter set in export options"
                    + " (filter \"^fs_\")", ((SandboxResult.Failed) results.get(5)).error().getMessage());

            Snapshot self = SelfMetrics.selfSnapshot(results, 6, FilterMatcher.none(), Instant.now(), ZoneOffset.UTC, 0);
            assertEquals(List.of(NumberValue.ofInt(5)), self.data().stream().filter(d -> d.metric().equals(SelfMetrics.NUM_BROKEN))
                    .map(Data::number).toList());
            assertEquals(List.of(NumberValue.ofInt(6)), self.data().stream().filter(d -> d.metric().equals(SelfMetrics.NUM_RUNNING))
                    .map(Data::number).toList());
        }
    }

    @Test
    void aFailedQueryOfADeadProcessIsNotBroken() throws Exception {
        ServerConfig config = ServerTestSupport.fastConfig(root, ADDRESS, 8);
        try (Simulation _ = simulate(1)) {
            ServedSandbox s = served(config).getFirst();
            Scraper scraper = new Scraper(config, (sb, f, d) -> {
                throw new IOException("sandbox sb1: connection refused");
            }, log::add);
            SandboxResult r = scraper.scrape(List.of(s), FilterMatcher.none(), deadlineIn(Duration.ofSeconds(2))).getFirst();
            // The pid is this JVM's: alive, so the failure is logged and counts as broken.
            assertTrue(r.running());
            assertEquals(List.of("Could not export metrics from sandbox sb1: sandbox sb1: connection refused"),
                    log.stream().filter(l -> l.startsWith("Could not")).toList());
        }
    }

    @Test
    void returnsNothingForNoSandboxes() throws Exception {
        Scraper scraper = new Scraper(ServerTestSupport.fastConfig(root, ADDRESS, 8), (s, f, d) -> {
            throw new AssertionError("no sandbox to ask");
        }, log::add);
        assertEquals(List.of(), scraper.scrape(List.of(), FilterMatcher.none(), deadlineIn(Duration.ofSeconds(1))));
    }

    @Test
    void passesTheFilterToEverySandbox() throws Exception {
        ServerConfig config = ServerTestSupport.fastConfig(root, ADDRESS, 8);
        try (Simulation _ = simulate(3)) {
            List<String> seen = new CopyOnWriteArrayList<>();
            Scraper scraper = new Scraper(config, (s, f, d) -> {
                seen.add(f.isPresent() ? f.source() : "<none>");
                return ServerTestSupport.validSnapshot(s, 1);
            }, log::add);
            scraper.scrape(served(config), FilterMatcher.of(Optional.of(Re2Pattern.compile("fs_.*")), MatchBudget.of(Duration.ofSeconds(5))), deadlineIn(Duration.ofSeconds(2)));
            assertEquals(List.of("fs_.*", "fs_.*", "fs_.*"), seen);
        }
    }

    @Test
    void concurrentScrapesOfOneSandboxVerifyItsSnapshotsInTheOrderTheyWereTaken() throws Exception {
        ServerConfig config = ServerTestSupport.fastConfig(root, ADDRESS, 8);
        try (Simulation _ = simulate(1)) {
            List<ServedSandbox> sandboxes = served(config);
            AtomicInteger calls = new AtomicInteger();
            // The first call takes its snapshot, then is slow to deliver it; the second, started
            // meanwhile, would deliver a newer one first, and the older one would then fail the
            // verifier's order check (a healthy sandbox reported broken).
            Scraper scraper = new Scraper(config, (s, f, d) -> {
                Snapshot snapshot = ServerTestSupport.validSnapshot(s, 1);
                if (calls.getAndIncrement() == 0) {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return snapshot;
            }, log::add);
            var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
            try (pool) {
                var first = pool.submit(() -> scraper.scrape(sandboxes, FilterMatcher.none(), deadlineIn(Duration.ofSeconds(2))));
                ServerTestSupport.await("first query", () -> calls.get() == 1);
                var second = pool.submit(() -> scraper.scrape(sandboxes, FilterMatcher.none(), deadlineIn(Duration.ofSeconds(2))));
                assertInstanceOf(SandboxResult.Ok.class, first.get().getFirst(), log::toString);
                assertInstanceOf(SandboxResult.Ok.class, second.get().getFirst(), log::toString);
            }
            assertEquals(2, calls.get());
        }
    }

    @Test
    void aScrapeWaitingForAnotherScrapeOfTheSameSandboxGivesUpAtItsDeadline() throws Exception {
        ServerConfig config = ServerTestSupport.config(root, ADDRESS, 8, Duration.ofMillis(600), Duration.ofMillis(300));
        try (Simulation _ = simulate(1)) {
            List<ServedSandbox> sandboxes = served(config);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger calls = new AtomicInteger();
            Scraper scraper = new Scraper(config, (s, f, d) -> {
                calls.incrementAndGet();
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new SocketTimeoutException("sandbox " + s.sandbox().id() + ": too slow");
            }, log::add);
            var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
            try (pool) {
                var first = pool.submit(() -> scraper.scrape(sandboxes, FilterMatcher.none(), deadlineIn(Duration.ofSeconds(5))));
                ServerTestSupport.await("first query", () -> calls.get() == 1);
                long start = System.nanoTime();
                SandboxResult second = scraper.scrape(sandboxes, FilterMatcher.none(), deadlineIn(Duration.ofMillis(600))).getFirst();
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3), "did not wait for the first scrape");
                assertEquals("context deadline exceeded: an earlier scrape of this sandbox is still running",
                        assertInstanceOf(SandboxResult.Failed.class, second).error().getMessage());
                release.countDown();
                assertInstanceOf(SandboxResult.Failed.class, first.get().getFirst());
            }
            assertEquals(1, calls.get());
        }
    }

    @Test
    void asksARestoredSandboxWithoutSavingsForThemOnceAndReportsThem() throws Exception {
        ServerConfig config = ServerTestSupport.fastConfig(root, ADDRESS, 8);
        ServerTestSupport.writeRealSandbox(root, "asks", "p1", ADDRESS, "\"restored\":true,");
        ServerTestSupport.writeRealSandbox(root, "fails", "p2", ADDRESS, "\"restored\":true,");
        ServerTestSupport.writeRealSandbox(root, "known", "p3", ADDRESS, "\"restored\":true,\"cpuTimeSaved\":7000000,\"wallTimeSaved\":9000000,");
        ServerTestSupport.writeRealSandbox(root, "plain", "p4", ADDRESS, "");
        List<String> asked = new CopyOnWriteArrayList<>();
        SandboxQuery query = new SandboxQuery() {
            @Override
            public Snapshot export(runsc.metrics.runtime.LoadedSandbox s, FilterMatcher f, long d) throws IOException {
                return ServerTestSupport.validSnapshot(s, 1);
            }

            @Override
            public runsc.metrics.control.Savings savings(runsc.metrics.runtime.LoadedSandbox s, long d) throws IOException {
                asked.add(s.sandbox().id());
                if (s.sandbox().id().equals("fails")) {
                    throw new IOException("sandbox fails: connection refused");
                }
                return new runsc.metrics.control.Savings.Known(1_500_999_999L, 2_700_000_000L);
            }
        };
        List<ServedSandbox> sandboxes = served(config);
        Scraper scraper = new Scraper(config, query, log::add);
        List<SandboxResult> results = List.of();
        for (int i = 0; i < 2; i++) {
            results = scraper.scrape(sandboxes, FilterMatcher.none(), deadlineIn(Duration.ofSeconds(2)));
        }
        assertEquals(List.of("asks", "fails", "fails"), asked.stream().sorted().toList(), "asked until answered");
        assertEquals(2, log.stream().filter("Could not get savings of sandbox fails: sandbox fails: connection refused"::equals).count());
        results.forEach(r -> assertInstanceOf(SandboxResult.Ok.class, r, r.sandbox().id()));
        Snapshot self = SelfMetrics.selfSnapshot(results, 4, FilterMatcher.none(), Instant.now(), ZoneOffset.UTC, 0);
        assertEquals(List.of("asks=1500", "fails=0", "known=7", "plain=0"), values(self, SelfMetrics.CPU_TIME_SAVED));
        assertEquals(List.of("asks=2700", "fails=0", "known=9", "plain=0"), values(self, SelfMetrics.WALL_TIME_SAVED));
    }

    private static List<String> values(Snapshot self, Metric metric) {
        return self.data().stream().filter(d -> d.metric().equals(metric))
                .map(d -> d.externalLabels().get("sandbox") + "=" + ((NumberValue.IntValue) d.number()).value()).toList();
    }
}
