// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

/**
 * The heap set aside for decoding sandbox replies, shared by every reply in flight in this JVM.
 *
 * <p>A reply is framed in full, then parsed into a JSON tree, then decoded into a snapshot, so while
 * it is decoded it costs far more heap than its bytes: measured, 30 to 70 bytes per JSON value (a
 * reply of small numbers costs 34 times its size) on top of the bytes themselves. This class charges
 * every reply {@value #COST_PER_BYTE} bytes per byte received and {@value #COST_PER_VALUE} bytes per
 * JSON value while it is framed, before any tree exists, and refuses a reply that would pass either
 * of two bounds: its own caps ({@link #maxReplyBytes()}, {@link #maxReplyValues()}), and what is left
 * of the capacity, a third of the heap, that replies in flight share. So however many sandboxes
 * answer at once, and however large, their replies together cannot run the heap out: the one that
 * would pass a bound fails with an error naming the sandbox and the size.
 *
 * <p>A quarter of the capacity is kept for small replies (charged {@value #SMALL_REPLY} bytes or
 * less, a real reply of about 100 KB): a large reply may not take it, so that large replies in
 * flight at once fail among themselves and leave healthy sandboxes their data. The caps of one
 * reply are sized so that a reply at both caps fits the rest; on a heap under 32 MiB they shrink in
 * proportion.
 *
 * <p>The charge ends when the reply is decoded ({@link Reservation#close()}); the snapshot then lives
 * on in the scrape, which {@code server.HeapBudget} accounts for. Thread-safe.
 */
public final class ReplyMemory {
    /** Largest reply when the heap allows it: 1 MiB, ten times a large real reply (about 100 KB). */
    public static final int MAX_REPLY_BYTES = 1 << 20;
    /**
     * Most JSON values (objects, arrays, member names, strings, numbers, literals) in one reply when
     * the heap allows it: 65 536; a real reply has about one per 10 bytes.
     */
    public static final int MAX_REPLY_VALUES = 1 << 16;
    /**
     * Heap charged per byte: the framer's buffer, up to twice the bytes framed while the tree is
     * built, and the text of the parsed strings.
     */
    static final long COST_PER_BYTE = 3;
    /** Heap charged per JSON value: its node in the tree and its share of the snapshot (30 to 70 bytes measured). */
    static final long COST_PER_VALUE = 80;
    /** The capacity is the heap cap divided by this. */
    static final int HEAP_SHARE = 3;
    /** Largest charge of a small reply, which may use the part of the capacity kept for small ones. */
    static final long SMALL_REPLY = 1 << 20;
    private static final int MIN_REPLY_BYTES = 4 << 10;
    private static final int MIN_REPLY_VALUES = 256;

    private static final class Shared {
        static final ReplyMemory INSTANCE = forHeap(Runtime.getRuntime().maxMemory());
    }

    private final long capacity;
    private final int maxReplyBytes;
    private final int maxReplyValues;
    private long reserved; // guarded by this

    ReplyMemory(long capacity, int maxReplyBytes, int maxReplyValues) {
        if (capacity <= 0 || maxReplyBytes <= 0 || maxReplyValues <= 0) {
            throw new IllegalArgumentException("reply memory bounds must be positive: capacity " + capacity
                    + ", bytes " + maxReplyBytes + ", values " + maxReplyValues);
        }
        this.capacity = capacity;
        this.maxReplyBytes = maxReplyBytes;
        this.maxReplyValues = maxReplyValues;
    }

    /** {@return the memory of this JVM, sized from its heap cap} */
    public static ReplyMemory shared() {
        return Shared.INSTANCE;
    }

    /**
     * The memory for a heap cap: a third of it, with the caps of one reply shrunk if a reply at both
     * caps would not fit the part of it that large replies may use.
     *
     * @param maxHeap the heap cap in bytes, as {@link Runtime#maxMemory()} gives it
     * @return the memory
     */
    static ReplyMemory forHeap(long maxHeap) {
        long capacity = Math.max(1, maxHeap / HEAP_SHARE);
        double scale = Math.min(1.0, (double) forLarge(capacity) / cost(MAX_REPLY_BYTES, MAX_REPLY_VALUES));
        return new ReplyMemory(capacity, Math.max(MIN_REPLY_BYTES, (int) (MAX_REPLY_BYTES * scale)),
                Math.max(MIN_REPLY_VALUES, (int) (MAX_REPLY_VALUES * scale)));
    }

    /** {@return the heap charged for a reply of {@code bytes} bytes and {@code values} JSON values} */
    static long cost(long bytes, long values) {
        return bytes * COST_PER_BYTE + values * COST_PER_VALUE;
    }

    /** {@return the largest reply accepted, in bytes} */
    public int maxReplyBytes() {
        return maxReplyBytes;
    }

    /** {@return the most JSON values a reply may have} */
    public int maxReplyValues() {
        return maxReplyValues;
    }

    /** {@return the heap that replies in flight may take together, in bytes} */
    public long capacity() {
        return capacity;
    }

    /** {@return the heap charged to replies in flight now} */
    synchronized long reserved() {
        return reserved;
    }

    /**
     * Opens a charge for one reply, empty until the reply's bytes arrive.
     *
     * @param sandboxId the sandbox, for messages
     * @return the charge; close it once the reply is decoded
     */
    Reservation reserve(String sandboxId) {
        return new Reservation(sandboxId);
    }

    /** {@return the part of a capacity that large replies may take: all but the quarter kept for small ones} */
    private static long forLarge(long capacity) {
        return capacity - capacity / 4;
    }

    /** Grows the charges in flight by {@code bytes} for a reply that will then hold {@code total}. */
    private synchronized boolean take(long bytes, long total) {
        long limit = total <= SMALL_REPLY ? capacity : forLarge(capacity);
        if (bytes > limit - reserved) {
            return false;
        }
        reserved += bytes;
        return true;
    }

    private synchronized void give(long bytes) {
        reserved -= bytes;
    }

    /** The charge of one reply. Used by one thread at a time. */
    final class Reservation implements AutoCloseable {
        private final String sandboxId;
        private long held;

        private Reservation(String sandboxId) {
            this.sandboxId = sandboxId;
        }

        /**
         * Grows the charge to a reply of {@code bytes} bytes and {@code values} values so far.
         *
         * @throws ControlException ({@link ControlException.Kind#PROTOCOL}) if the reply passes its
         *                          caps or the rest of the capacity
         */
        void cover(String what, int bytes, int values) throws ControlException {
            if (bytes > maxReplyBytes) {
                throw refuse(what + " is larger than the limit of " + maxReplyBytes + " bytes");
            }
            if (values > maxReplyValues) {
                throw refuse(what + " has more than " + maxReplyValues + " JSON values, the limit, in its first "
                        + bytes + " bytes");
            }
            long need = cost(bytes, values);
            if (need > held) {
                if (!take(need - held, need)) {
                    throw refuse(what + " needs about " + kib(need) + " KiB of heap to decode (" + bytes + " bytes, "
                            + values + " JSON values so far), more than is left of the " + kib(capacity)
                            + " KiB set aside for replies in flight (a third of the heap, a quarter of it for replies"
                            + " under " + kib(SMALL_REPLY) + " KiB): other sandboxes' replies take the rest");
                }
                held = need;
            }
        }

        private ControlException refuse(String detail) {
            return new ControlException(sandboxId, ControlException.Kind.PROTOCOL, detail, null, null);
        }

        @Override
        public void close() {
            give(held);
            held = 0;
        }
    }

    private static long kib(long bytes) {
        return (bytes + 1023) >> 10;
    }
}
