// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.util.Optional;

/**
 * Tells when the metric server serves more sandboxes than its heap cap is sized for. The launcher
 * caps the heap (the JVM would otherwise let it grow towards a quarter of the RAM) at 48 MiB,
 * enough for about a thousand sandboxes, or at a quarter more than {@link #needed} for the state
 * files the root holds when the server starts, so a host whose sandboxes grow past the cap after
 * the start must raise it, and this is what says so, once each time the count crosses the line,
 * rather than leaving the operator to find out from failing scrapes.
 */
public final class HeapBudget {
    /**
     * Heap one served sandbox needs while a scrape holds its snapshot, with 50 series per sandbox.
     * BENCHMARKS.md (server memory): 1 000 sandboxes scrape in a 48 MiB heap and 1 500 do not, which puts the
     * cost between 26 and 39 KiB over the base; this is near the top, so the warning comes early.
     */
    static final long BYTES_PER_SANDBOX = 36 << 10;
    /** Heap the server needs with no sandbox: its classes' objects, the HTTP server, buffers. */
    static final long BASE_BYTES = 8 << 20;

    private final long maxHeap;
    private boolean over;

    /**
     * Creates a budget for a heap cap.
     *
     * @param maxHeap the heap cap in bytes, as {@link Runtime#maxMemory()} gives it
     */
    public HeapBudget(long maxHeap) {
        if (maxHeap <= 0) {
            throw new IllegalArgumentException("heap cap must be positive: " + maxHeap);
        }
        this.maxHeap = maxHeap;
    }

    /**
     * The heap that {@code sandboxes} served sandboxes need.
     *
     * @param sandboxes how many are served
     * @return bytes
     */
    public static long needed(int sandboxes) {
        return BASE_BYTES + Math.max(0, sandboxes) * BYTES_PER_SANDBOX;
    }

    /**
     * Checks a new count of served sandboxes.
     *
     * @param sandboxes how many are served now
     * @return a warning when the count has just outgrown the cap; empty while it stays over, and
     *         when it fits
     */
    public synchronized Optional<String> check(int sandboxes) {
        long needed = needed(sandboxes);
        if (needed <= maxHeap) {
            over = false;
            return Optional.empty();
        }
        if (over) {
            return Optional.empty();
        }
        over = true;
        long suggestMiB = (needed * 3 / 2 + (1 << 20) - 1) >> 20;
        return Optional.of("warning: serving " + sandboxes + " sandboxes needs about " + (needed >> 20)
                + " MiB of heap, but the heap is capped at " + (maxHeap >> 20) + " MiB: scrapes may fail for lack"
                + " of memory; raise the cap, e.g. RUNSC_METRICS_JAVA_OPTS=-Xmx" + suggestMiB + "m (see ENVIRONMENT in"
                + " runsc-metrics(1))");
    }
}
