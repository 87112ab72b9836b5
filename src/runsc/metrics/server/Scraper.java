// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * ones queued behind it; each query gets max(8 s, time left / sandboxes), capped by the scrape
 * deadline; a sandbox still queued when the deadline passes fails at once. One sandbox is queried by
 * one scrape at a time, so its snapshots are verified in the order they were taken. Results come back in
 * sandbox ID order, so the output is deterministic (a deliberate difference: upstream's order is
 * random).
 */
final class Scraper {
    /** Extra time to wait for a worker past the deadline before giving up on it. */
    private static final long JOIN_SLACK_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final ServerConfig config;
    private final SandboxQuery query;
    private final Consumer<String> log;

    Scraper(ServerConfig config, SandboxQuery query, Consumer<String> log) {
        this.config = config;
        this.query = query;
        this.log = log;
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
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, ThreadLocalRandom.current());
        ConcurrentLinkedQueue<Integer> queue = new ConcurrentLinkedQueue<>(order);
        long left = deadlineNanos - System.nanoTime();
        long perSandbox = Math.max(config.minSandboxTimeout().toNanos(), left / n);
        AtomicReferenceArray<SandboxResult> results = new AtomicReferenceArray<>(n);
        int workers = Math.min(config.maxParallel(), n);
        List<Thread> threads = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            threads.add(Thread.ofVirtual().name("scrape-worker-" + w).start(() -> {
                Integer next;
                while ((next = queue.poll()) != null) {
                    results.set(next, queryOne(sandboxes.get(next), filter, perSandbox, deadlineNanos));
                }
            }));
        }
        for (Thread t : threads) {
            long wait = deadlineNanos + JOIN_SLACK_NANOS - System.nanoTime();
            if (wait > 0) {
                t.join(java.time.Duration.ofNanos(wait));
            }
            if (t.isAlive()) {
                t.interrupt(); // a query ignoring its own deadline; its sandbox is reported failed below
            }
        }
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
                return failed(s, new SocketTimeoutException(
                        "context deadline exceeded: an earlier scrape of this sandbox is still running"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(s, new SocketTimeoutException("context deadline exceeded: interrupted while waiting for an earlier scrape"));
        }
        try {
            return queryLocked(s, filter, deadline);
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
            return new SandboxResult.Ok(s, snapshot, running(s));
        } catch (IOException e) {
            return failed(s, e);
        } catch (RuntimeException e) {
            // Nothing a sandbox sends may take the scrape down; a bug here costs only this sandbox.
            return failed(s, new IOException("internal error while querying: " + e, e));
        }
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

    private static boolean running(ServedSandbox s) {
        return s.loaded() != null && Liveness.isRunning(s.loaded().sandbox().pid());
    }
}
