// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import runsc.metrics.control.Savings;
import runsc.metrics.exposition.LabelMap;
import runsc.metrics.exposition.Verifier;
import runsc.metrics.runtime.LoadedSandbox;
import runsc.metrics.runtime.SandboxLabels;
import runsc.metrics.server.http.SandboxListing;

/**
 * A sandbox the server has taken on. What is read from its state files is read once, at the first
 * successful load, and kept (as upstream: the sandbox is untrusted after start, and its root state is
 * never re-read); the verifier keeps its state across scrapes until the sandbox is dropped.
 * Guarded by the discovery lock, except the verifier, which locks itself, and the query lock.
 */
final class ServedSandbox {
    private final String id;
    private Map<String, String> identityLabels;
    private LoadedSandbox loaded;
    private SelfMetrics.SandboxRows selfRows;
    private Verifier verifier;
    private Savings savings;
    private volatile SandboxListing.LastScrape lastScrape = SandboxListing.LastScrape.NONE;
    // Held from the export call until its snapshot is verified (see Scraper).
    private final ReentrantLock queryLock = new ReentrantLock();
    // Written by the query that last finished, read when the next scrape orders its queue.
    private volatile boolean lagging;
    // Set by discovery's last liveness check, read by scrapes without a lock.
    private volatile boolean runningBySocket;
    // Made at the first resource usage read (--resource-stats), so that it costs nothing without.
    private CpuHighWater cpuHighWater;

    ServedSandbox(String id) {
        this.id = id;
        this.identityLabels = LabelMap.copyOf(SandboxLabels.initial(id), "identity label");
    }

    String id() {
        return id;
    }

    /**
     * The labels on every series of this sandbox: just {@code sandbox} until the first load. A
     * {@link LabelMap}, so that the data points and write options of every scrape share it.
     */
    synchronized Map<String, String> identityLabels() {
        return identityLabels;
    }

    synchronized LoadedSandbox loaded() {
        return loaded;
    }

    /** The loaded sandbox's labels on the server's own rows, made once per load; null until the first load. */
    synchronized SelfMetrics.SandboxRows selfRows() {
        return selfRows;
    }

    synchronized Verifier verifier() {
        return verifier;
    }

    synchronized void loaded(LoadedSandbox sandbox) {
        this.loaded = sandbox;
        this.identityLabels = LabelMap.copyOf(sandbox.identityLabels(), "identity label");
        this.selfRows = SelfMetrics.SandboxRows.of(sandbox);
    }

    /**
     * Serialises the queries of this sandbox across concurrent scrapes, so that its snapshots reach
     * the verifier in the order they were taken.
     */
    ReentrantLock queryLock() {
        return queryLock;
    }

    /**
     * Whether the last query of this sandbox ran out of its time. A scrape queries such sandboxes
     * after all others, so that a stalled sandbox cannot spend the time of healthy ones; the mark
     * goes as soon as the sandbox answers in time again.
     */
    boolean lagging() {
        return lagging;
    }

    void lagging(boolean ranOutOfTime) {
        this.lagging = ranOutOfTime;
    }

    /** The answer of {@code GetSavings}, once asked (kept in memory, as upstream), else null. */
    synchronized Savings savings() {
        return savings;
    }

    synchronized void savings(Savings answer) {
        this.savings = answer;
    }

    /** CPU time the restore saved, in ms: from the state file, else from {@code GetSavings}. */
    synchronized long cpuTimeSavedMillis() {
        long fromState = loaded.sandbox().cpuTimeSavedMillis();
        return fromState == 0 && savings instanceof Savings.Known k ? k.cpuTimeSavedNanos() / 1_000_000 : fromState;
    }

    /** Wall time the restore saved, in ms: from the state file, else from {@code GetSavings}. */
    synchronized long wallTimeSavedMillis() {
        long fromState = loaded.sandbox().wallTimeSavedMillis();
        return fromState == 0 && savings instanceof Savings.Known k ? k.wallTimeSavedNanos() / 1_000_000 : fromState;
    }

    /**
     * The highest CPU figure served per container of this sandbox, kept as long as the sandbox is
     * served, so that its CPU counters never fall from one scrape to the next.
     */
    synchronized CpuHighWater cpuHighWater() {
        if (cpuHighWater == null) {
            cpuHighWater = new CpuHighWater();
        }
        return cpuHighWater;
    }

    /** How its last scrape went, for {@code /runsc-metrics/sandboxes}. */
    SandboxListing.LastScrape lastScrape() {
        return lastScrape;
    }

    void lastScrape(SandboxListing.LastScrape outcome) {
        this.lastScrape = outcome;
    }

    synchronized void verifier(Verifier v) {
        this.verifier = v;
    }

    @Override
    public String toString() {
        return id;
    }

    /**
     * Whether discovery's last check found the sandbox running by its control socket because its PID
     * does not exist here (see {@link SandboxLiveness}); a scrape then counts it as running although
     * {@code kill(pid, 0)} fails.
     */
    boolean runningBySocket() {
        return runningBySocket;
    }

    void runningBySocket(boolean bySocket) {
        runningBySocket = bySocket;
    }
}
