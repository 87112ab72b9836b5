// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A small shared cache of short ASCII strings, so that parsing the same member names and values
 * again and again ({@code "metric"}, {@code "name"}, a metric's name and help text, thousands of
 * times per scrape) returns one {@link String} instead of allocating a new one each time.
 *
 * <p>Direct-mapped by hash, bounded ({@link #SLOTS} entries of at most {@link #MAX_LENGTH} bytes),
 * and safe without locks: a slot holds an immutable entry or null (the bytes of an entry are never
 * written after it is published), so a racing reader sees some complete entry and checks it byte for
 * byte before using it. A hostile peer that sends only
 * distinct strings merely evicts entries.
 */
final class AsciiStrings {
    /** Entries in the cache; a power of two. */
    static final int SLOTS = 4096;
    /** Longest string that is cached (longer ones are rarely repeated and costly to compare). */
    static final int MAX_LENGTH = 128;

    /** A cached string with its bytes, so that a lookup compares arrays (a vectorised intrinsic). */
    private record Entry(byte[] bytes, String string) {}

    private static final Entry[] CACHE = new Entry[SLOTS];

    private AsciiStrings() {}

    /**
     * Returns the string of {@code in[from, to)}, which must be ASCII.
     *
     * @param in the bytes
     * @param from first byte
     * @param to end, exclusive
     * @param hash {@link #hash} of the same bytes, computed by the caller while it scanned them
     * @return a string equal to the bytes, possibly shared with earlier calls
     */
    static String of(byte[] in, int from, int to, int hash) {
        int length = to - from;
        if (length > MAX_LENGTH) {
            return new String(in, from, length, StandardCharsets.ISO_8859_1);
        }
        int slot = (hash ^ hash >>> 12) & (SLOTS - 1);
        Entry cached = CACHE[slot];
        if (cached != null && Arrays.equals(cached.bytes(), 0, cached.bytes().length, in, from, to)) {
            return cached.string();
        }
        String s = new String(in, from, length, StandardCharsets.ISO_8859_1);
        CACHE[slot] = new Entry(Arrays.copyOfRange(in, from, to), s);
        return s;
    }

    /** The hash {@link #of} expects: {@code h = 31 * h + b} over the bytes, from 0. */
    static int hash(int h, byte b) {
        return 31 * h + b;
    }
}
