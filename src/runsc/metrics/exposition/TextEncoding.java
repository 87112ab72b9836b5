// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.nio.charset.StandardCharsets;

/**
 * The byte encoding of the text format into arrays: strings as UTF-8 with the format's escapes,
 * int64 values in decimal, label pairs {@code k="v"}. Every method writes at a position the caller
 * has made room for and returns the new position, so encoding allocates nothing (as client_java's
 * {@code TextFormatUtil} serves its {@code PrometheusTextFormatWriter}).
 */
final class TextEncoding {
    /** Longest decimal int64: a sign and 19 digits. */
    static final int MAX_LONG_LENGTH = 20;

    /** Per ASCII char, the modes (as their bits) that escape it. */
    private static final byte[] ESCAPES = escapeTable();
    /** "00" to "99". */
    private static final byte[] DIGIT_PAIRS = digitPairs();

    private TextEncoding() {}

    /**
     * Encodes {@code s[from, to)} as UTF-8 into {@code dst} at {@code p}, escaping as {@code mode}
     * says, and returns the new position. The caller guarantees {@code 3 * (to - from)} free bytes
     * (an escape takes 2 bytes, a surrogate pair 4 for 2 chars). A lone surrogate, which is not valid
     * UTF-8, is written as U+FFFD, as Go would.
     */
    static int encode(String s, int from, int to, Escape mode, byte[] dst, int p) {
        int escapes = mode.bit;
        int i = from;
        // ASCII that needs no escape, the common case, in a tight loop.
        while (i < to) {
            char c = s.charAt(i);
            if (c >= 0x80 || (ESCAPES[c] & escapes) != 0) {
                break;
            }
            dst[p++] = (byte) c;
            i++;
        }
        for (; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if ((ESCAPES[c] & escapes) != 0) {
                    dst[p++] = '\\';
                    dst[p++] = (byte) (c == '\n' ? 'n' : c);
                } else {
                    dst[p++] = (byte) c;
                }
            } else if (c < 0x800) {
                dst[p++] = (byte) (0xC0 | c >> 6);
                dst[p++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isSurrogate(c)) {
                char low = i + 1 < to ? s.charAt(i + 1) : 0;
                if (Character.isHighSurrogate(c) && Character.isLowSurrogate(low)) {
                    int cp = Character.toCodePoint(c, low);
                    dst[p++] = (byte) (0xF0 | cp >> 18);
                    dst[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
                    dst[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
                    dst[p++] = (byte) (0x80 | cp & 0x3F);
                    i++;
                } else {
                    dst[p++] = (byte) 0xEF;
                    dst[p++] = (byte) 0xBF;
                    dst[p++] = (byte) 0xBD;
                }
            } else {
                dst[p++] = (byte) (0xE0 | c >> 12);
                dst[p++] = (byte) (0x80 | c >> 6 & 0x3F);
                dst[p++] = (byte) (0x80 | c & 0x3F);
            }
        }
        return p;
    }

    /** {@return the most bytes {@link #encodePair} writes for this pair: 3 per char and the 3 of {@code ="}/{@code "}} */
    static int pairBound(String key, String value) {
        return 3 * (key.length() + value.length()) + 3;
    }

    /** Encodes {@code k="v"} at {@code p}; the caller has made room for {@link #pairBound}. */
    static int encodePair(String key, String value, byte[] dst, int p) {
        p = encode(key, 0, key.length(), Escape.NONE, dst, p);
        dst[p++] = '=';
        dst[p++] = '"';
        p = encode(value, 0, value.length(), Escape.LABEL_VALUE, dst, p);
        dst[p++] = '"';
        return p;
    }

    /**
     * Writes {@code v} in decimal at {@code p} (room for {@link #MAX_LONG_LENGTH} bytes needed) and
     * returns the new position: two digits per division, from the end.
     */
    static int putLong(long v, byte[] dst, int p) {
        // Digits of the negated value, so that Long.MIN_VALUE needs no special case.
        long n = v < 0 ? v : -v;
        int end = p + (v < 0 ? 1 : 0) + digitCount(n);
        int i = end;
        while (n < Integer.MIN_VALUE) {
            long q = n / 100;
            int r = (int) (q * 100 - n);
            dst[--i] = DIGIT_PAIRS[2 * r + 1];
            dst[--i] = DIGIT_PAIRS[2 * r];
            n = q;
        }
        // The rest in int arithmetic, whose division is cheaper.
        int m = (int) n;
        while (m <= -100) {
            int q = m / 100;
            int r = q * 100 - m;
            dst[--i] = DIGIT_PAIRS[2 * r + 1];
            dst[--i] = DIGIT_PAIRS[2 * r];
            m = q;
        }
        int r = -m;
        dst[--i] = DIGIT_PAIRS[2 * r + 1];
        if (r >= 10) {
            dst[--i] = DIGIT_PAIRS[2 * r];
        }
        if (v < 0) {
            dst[--i] = '-';
        }
        return end;
    }

    /** {@return the number of decimal digits of {@code -n}, for {@code n <= 0}} */
    private static int digitCount(long n) {
        long limit = -10;
        for (int d = 1; d < 19; d++) {
            if (n > limit) {
                return d;
            }
            limit *= 10;
        }
        return 19;
    }

    /** {@return the bytes of an ASCII constant} */
    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] escapeTable() {
        byte[] t = new byte[0x80];
        t['\n'] = (byte) (Escape.LABEL_VALUE.bit | Escape.HELP.bit | Escape.COMMENT.bit);
        t['\\'] = (byte) (Escape.LABEL_VALUE.bit | Escape.HELP.bit);
        t['"'] = (byte) Escape.LABEL_VALUE.bit;
        return t;
    }

    private static byte[] digitPairs() {
        byte[] t = new byte[200];
        for (int i = 0; i < 100; i++) {
            t[2 * i] = (byte) ('0' + i / 10);
            t[2 * i + 1] = (byte) ('0' + i % 10);
        }
        return t;
    }
}
