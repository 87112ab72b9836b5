// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import runsc.metrics.exposition.PrefixAndLabels;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.exposition.VerificationException;
import runsc.metrics.runtime.Liveness;
import runsc.metrics.runtime.Sandbox;
import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.server.http.SandboxListing;

/**
 * One scrape's fan-out: every served sandbox is queried by at most {@code maxParallel} virtual
 * threads, in a fresh random order each time so that a stalled sandbox cannot keep starving the same
 * ones queued behind it. Sandboxes whose last query ran out of time come after all the others (in a
 * random order of their own): many stalled sandboxes would otherwise take the whole scrape deadline
 * and leave healthy ones queued behind them without data (a deliberate difference: upstream's order
 * is random throughout, and it has no deadline at all). For the same reason a query that has run
 * for a quarter of its budget (at least 1 s) gives up its slot to the next sandbox in the queue and
 * goes on to its own deadline, with at most four times {@code maxParallel} queries in flight in all:
 * this covers sandboxes that stall for the first time. Each query gets max(8 s, time left / sandboxes), capped by the scrape
 * deadline; a sandbox still queued when the deadline passes fails at once. One sandbox is queried by
 * one scrape at a time, so its snapshots are verified in the order they were taken. Results come back in
 * sandbox ID order, so the output is deterministic (a deliberate difference: upstream's order is
 * random).
 */
final class Scraper {
    /** Extra time to wait for a worker past the deadline before giving up on it. */
    private static final long JOIN_SLACK_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** A query younger than a quarter of its budget, and at least this, holds one of the fresh slots. */
    private static final long MIN_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Workers in all, slow queries included, per fresh slot. */
    private static final int SLOW_QUERY_FACTOR = 4;

    private final ServerConfig config;
    private final SandboxQuery query;
    private final Consumer<String> log;

    Scraper(ServerConfig config, SandboxQuery query, Consumer<String> log) {
        this.config = config;
        this.query = query;
        this.log = log;
    }

    /** {@return whether scrapes also read each sandbox's resource usage (--resource-stats)} */
    boolean readsResourceUsage() {
        return query.readsResourceUsage();
    }

    /**
     * Queries every sandbox.
     *
     * @param sandboxes      the served sandboxes (any order)
     * @param filter         the metrics filter for the sandboxes, shared by all of them
     * @param deadlineNanos  the scrape deadline ({@link System#nanoTime()})
     * @return one result per sandbox, sorted by sandbox ID
     * @throws InterruptedException if the request thread is interrupted
     */
    List<SandboxResult> scrape(List<ServedSandbox> sandboxes, FilterMatcher filter, long deadlineNanos)
            throws InterruptedException {
        int n = sandboxes.size();
        if (n == 0) {
            return List.of();
        }
        ConcurrentLinkedQueue<Integer> queue = new ConcurrentLinkedQueue<>(order(sandboxes));
        long left = deadlineNanos - System.nanoTime();
        long perSandbox = Math.max(config.minSandboxTimeout().toNanos(), left / n);
        AtomicReferenceArray<SandboxResult> results = new AtomicReferenceArray<>(n);
        Consumer<Worker> drain = worker -> {
            Integer next;
            while (!worker.replaced && (next = queue.poll()) != null) {
                worker.queryStart = System.nanoTime();
                worker.busy = true;
                results.set(next, queryOne(sandboxes.get(next), filter, perSandbox, deadlineNanos));
                worker.busy = false;
            }
        };
        runWorkers(drain, queue, Math.min(config.maxParallel(), n), Math.min(n, config.maxParallel() * SLOW_QUERY_FACTOR),
                Math.max(MIN_PATIENCE_NANOS, perSandbox / 4), deadlineNanos);
        List<SandboxResult> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SandboxResult r = results.get(i);
            out.add(r != null ? r : new SandboxResult.Failed(sandboxes.get(i),
                    new SocketTimeoutException("no answer before the scrape deadline"), running(sandboxes.get(i))));
        }
        out.sort(Comparator.comparing(r -> r.sandbox().id()));
        Instant now = Instant.now();
        for (SandboxResult r : out) {
            r.sandbox().lastScrape(switch (r) {
                case SandboxResult.Ok _ -> new SandboxListing.LastScrape.Ok(now);
                case SandboxResult.Failed f -> new SandboxListing.LastScrape.Broken(now, String.valueOf(f.error().getMessage()));
            });
        }
        return out;
    }

    /**
     * Runs {@code fresh} workers draining the queue, and replaces a worker whose query has run for
     * {@code patience} with a new one (up to {@code max} workers in all): the slow query goes on
     * until its own deadline, but no longer holds up the sandboxes queued behind it. So at most
     * {@code fresh} queries younger than {@code patience} run at once, as upstream's fixed
     * parallelism, while stalled sandboxes met for the first time cannot use up the scrape
     * deadline. Returns when every worker has ended, or soon after the deadline.
     */
    private static void runWorkers(Consumer<Worker> drain, ConcurrentLinkedQueue<Integer> queue, int fresh, int max,
                                   long patience, long deadlineNanos) throws InterruptedException {
        Semaphore ended = new Semaphore(0);
        List<Worker> workers = new ArrayList<>(max);
        for (int w = 0; w < fresh; w++) {
            workers.add(Worker.start(workers.size(), drain, ended));
        }
        int running = workers.size();
        long poll = Math.max(TimeUnit.MILLISECONDS.toNanos(10), patience / 4);
        while (running > 0) {
            long wait = deadlineNanos + JOIN_SLACK_NANOS - System.nanoTime();
            if (wait <= 0) {
                for (Worker w : workers) {
                    w.thread.interrupt(); // a query ignoring its own deadline; its sandbox is reported failed
                }
                return;
            }
            int n = ended.drainPermits();
            if (n == 0 && ended.tryAcquire(Math.min(wait, poll), TimeUnit.NANOSECONDS)) {
                n = 1 + ended.drainPermits();
            }
            running -= n;
            long now = System.nanoTime();
            for (int i = 0, size = workers.size(); i < size && workers.size() < max && !queue.isEmpty(); i++) {
                Worker w = workers.get(i);
                if (!w.replaced && w.busy && now - w.queryStart >= patience) {
                    w.replaced = true;
                    workers.add(Worker.start(workers.size(), drain, ended));
                    running++;
                }
            }
        }
    }

    /** One virtual thread draining the queue; it stops taking sandboxes once replaced. */
    private static final class Worker {
        final Thread thread;
        // When the current query started (System.nanoTime()); set before busy, read after it.
        volatile long queryStart;
        volatile boolean busy;
        volatile boolean replaced;

        private Worker(Consumer<Worker> drain, Semaphore ended, int index) {
            this.thread = Thread.ofVirtual().name("scrape-worker-" + index).unstarted(() -> {
                try {
                    drain.accept(this);
                } finally {
                    ended.release();
                }
            });
        }

        static Worker start(int index, Consumer<Worker> drain, Semaphore ended) {
            Worker w = new Worker(drain, ended, index);
            w.thread.start();
            return w;
        }
    }

    /**
     * The order of one scrape's queries, as indexes into {@code sandboxes}: a fresh random order,
     * with the sandboxes that ran out of time last time after the others.
     */
    static List<Integer> order(List<ServedSandbox> sandboxes) {
        List<Integer> prompt = new ArrayList<>(sandboxes.size());
        List<Integer> lagging = new ArrayList<>();
        for (int i = 0; i < sandboxes.size(); i++) {
            (sandboxes.get(i).lagging() ? lagging : prompt).add(i);
        }
        Collections.shuffle(prompt, ThreadLocalRandom.current());
        Collections.shuffle(lagging, ThreadLocalRandom.current());
        prompt.addAll(lagging);
        return prompt;
    }

    private SandboxResult queryOne(ServedSandbox s, FilterMatcher filter, long perSandbox, long scrapeDeadline) {
        long now = System.nanoTime();
        if (now - scrapeDeadline >= 0) {
            return failed(s, new SocketTimeoutException("context deadline exceeded: the scrape deadline passed before this sandbox's turn"));
        }
        long deadline = Math.min(scrapeDeadline, now + perSandbox);
        // Deliberate difference: upstream lets concurrent scrapes query one sandbox at once, and
        // the snapshot taken first but delivered last then fails the verifier's order check, so a
        // healthy sandbox counts as broken. One query per sandbox at a time, within the deadline.
        ReentrantLock lock = s.queryLock();
        try {
            if (!lock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                s.lagging(true);
                return failed(s, new SocketTimeoutException(
                        "context deadline exceeded: an earlier scrape of this sandbox is still running"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(s, new SocketTimeoutException("context deadline exceeded: interrupted while waiting for an earlier scrape"));
        }
        try {
            SandboxResult result = queryLocked(s, filter, deadline);
            // Whatever the failure, one that came only at the deadline means the sandbox used up its time.
            s.lagging(result instanceof SandboxResult.Failed && System.nanoTime() - deadline >= 0);
            return result;
        } finally {
            lock.unlock();
        }
    }

    private SandboxResult queryLocked(ServedSandbox s, FilterMatcher filter, long deadline) {
        askSavingsIfNeeded(s, deadline);
        try {
            Snapshot snapshot = query.export(s.loaded(), filter, deadline);
            // The writer's check first: a snapshot it refuses is never the verifier's last accepted one.
            SnapshotCheck.requireWritable(snapshot, new PrefixAndLabels(config.exporterPrefix(), s.identityLabels()));
            try {
                s.verifier().verify(snapshot);
            } catch (VerificationException e) {
                return failed(s, SnapshotCheck.invalid(e));
            }
            Optional<ResourceUsage> usage = query.readsResourceUsage()
                    ? Optional.of(readUsage(s, deadline)) : Optional.empty();
            return new SandboxResult.Ok(s, snapshot, running(s), usage);
        } catch (IOException e) {
            return failed(s, e);
        } catch (RuntimeException e) {
            // Nothing a sandbox sends may take the scrape down; a bug here costs only this sandbox.
            return failed(s, new IOException("internal error while querying: " + e, e));
        }
    }

    /**
     * Reads the sandbox's resource usage after its snapshot, in what is left of the same deadline:
     * one more round of calls per sandbox per scrape, never a wait of its own. A failure is logged and
     * kept in the result; the snapshot stands. Each container's CPU is served at the highest figure
     * of its series so far ({@link CpuHighWater}), so that the counter never falls.
     */
    private ResourceUsage readUsage(ServedSandbox s, long deadline) {
        ResourceUsage usage;
        try {
            usage = query.resourceUsage(s.loaded(), deadline);
            usage = new ResourceUsage(s.cpuHighWater().raise(usage.stats()), usage.failure());
        } catch (RuntimeException e) {
            // As for the export: nothing a sandbox sends may take the scrape down.
            usage = new ResourceUsage(new StatsWriter.SandboxStats(s.id(), s.identityLabels(), List.of(),
                    OptionalLong.empty()), Optional.of(new IOException("internal error while reading stats: " + e, e)));
        }
        usage.failure().ifPresent(e -> log.accept("Could not read resource usage of sandbox " + s.id() + ": " + e.getMessage()));
        return usage;
    }

    /**
     * Upstream asks a restored sandbox whose state file has no savings for them, just before the
     * export, until it has an answer; a failure is only logged (sandbox-protocol.md §6.6).
     */
    private void askSavingsIfNeeded(ServedSandbox s, long deadline) {
        Sandbox sandbox = s.loaded().sandbox();
        if (!sandbox.restored() || sandbox.cpuTimeSavedNanos() != 0 || sandbox.wallTimeSavedNanos() != 0
                || s.savings() != null) {
            return;
        }
        try {
            s.savings(query.savings(s.loaded(), deadline));
        } catch (IOException | RuntimeException e) {
            log.accept("Could not get savings of sandbox " + s.id() + ": " + e.getMessage());
        }
    }

    private SandboxResult failed(ServedSandbox s, IOException error) {
        boolean running = running(s);
        if (running) {
            log.accept("Could not export metrics from sandbox " + s.id() + ": " + error.getMessage());
        }
        return new SandboxResult.Failed(s, error, running);
    }

    /** Upstream's {@code kill(pid, 0)}, or, where PIDs are not visible, discovery's socket check. */
    private static boolean running(ServedSandbox s) {
        return s.loaded() != null && (Liveness.isRunning(s.loaded().sandbox().pid()) || s.runningBySocket());
    }
}
