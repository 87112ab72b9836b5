// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A small shared pool of byte arrays for the buffers of one exchange: the chunk a blocking read
 * fills and the bytes a {@link JsonFramer} collects. A scrape makes one exchange per sandbox, each
 * on a thread of its own; allocated afresh, both would be about 10 KiB a sandbox per scrape that is
 * garbage as soon as the reply is parsed.
 *
 * <p>Bounded: at most {@link #SLOTS} arrays of {@link #SIZE} to {@link #MAX_KEPT} bytes are kept
 * (at most 256 KiB, about 128 KiB with eight queries at a time); an array given back to a full
 * pool, or larger than that, is left to the collector. Lock-free: an array is in one slot or held
 * by one caller, never both, since slots are taken with {@code getAndSet} and filled with
 * {@code compareAndSet}. Callers must not use an array after giving it back.
 */
final class ScratchBuffers {
    /** Size of the arrays {@link #take()} hands out. */
    static final int SIZE = 8 << 10;
    /** Largest array kept when given back (a framer's buffer may have grown). */
    static final int MAX_KEPT = 16 << 10;
    /** Arrays kept at most: two per query, for 8 queries at a time (the default parallelism). */
    static final int SLOTS = 16;

    private static final AtomicReferenceArray<byte[]> POOL = new AtomicReferenceArray<>(SLOTS);

    private ScratchBuffers() {}

    /** {@return an array of at least {@link #SIZE} bytes (its contents are arbitrary)} */
    static byte[] take() {
        for (int i = 0; i < SLOTS; i++) {
            if (POOL.get(i) != null) {
                byte[] b = POOL.getAndSet(i, null);
                if (b != null) {
                    return b;
                }
            }
        }
        return new byte[SIZE];
    }

    /**
     * Gives an array back for a later {@link #take()}; the caller must not use it afterwards.
     *
     * @param b an array, kept if it has {@link #SIZE} to {@link #MAX_KEPT} bytes and a slot is free
     */
    static void give(byte[] b) {
        if (b.length < SIZE || b.length > MAX_KEPT) {
            return;
        }
        for (int i = 0; i < SLOTS; i++) {
            if (POOL.get(i) == null && POOL.compareAndSet(i, null, b)) {
                return;
            }
        }
    }

    /** {@return how many arrays the pool holds now} for tests. */
    static int kept() {
        int n = 0;
        for (int i = 0; i < SLOTS; i++) {
            n += POOL.get(i) == null ? 0 : 1;
        }
        return n;
    }
}
