// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A source of generated test inputs for {@link Property} checks: seeded, so a failure can be
 * replayed, and biased towards edge cases (0, -1, extremes, empty, one element) the way property
 * testing libraries are, because that is where bugs live.
 */
public final class Gen {
    private static final long[] EDGE_LONGS = {0, 1, -1, 2, 9, 10, 99, 1000, Integer.MAX_VALUE, Integer.MIN_VALUE,
        999_999_999_999_999_999L, 1_000_000_000_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1,
        Long.MIN_VALUE + 1};
    private static final double[] EDGE_DOUBLES = {0.0, -0.0, 1.0, -1.0, 0.5, 2.5, 1e-7, -1e-7, 1e21, 1e20, 1.5e300,
        0.0078125, 2.0000005, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 8187.5, 0.1};
    private static final int[] EDGE_CODE_POINTS = {'"', '\\', '\n', '\r', '\t', 0, 0x1f, 0x7f, 0xe9, 0x2028, 0xfffd,
        0x1f600, 0x10ffff, 0xe000, 0xffff, '<', '&', '{', '}', '[', ']', ',', ':', ' '};

    private final SplittableRandom random;

    Gen(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** True with probability {@code 1/n}. */
    public boolean oneIn(int n) {
        return random.nextInt(n) == 0;
    }

    /** An int in {@code [min, max]}. */
    public int intIn(int min, int max) {
        return (int) longIn(min, max);
    }

    /** A long in {@code [min, max]}. */
    public long longIn(long min, long max) {
        if (min == Long.MIN_VALUE && max == Long.MAX_VALUE) {
            return random.nextLong();
        }
        return random.nextLong(min, max + 1);
    }

    /** Any long, an edge case one time in four. */
    public long anyLong() {
        if (oneIn(4)) {
            return EDGE_LONGS[random.nextInt(EDGE_LONGS.length)];
        }
        return switch (random.nextInt(3)) {
            case 0 -> random.nextLong();
            case 1 -> random.nextLong(-1000, 1001);
            default -> random.nextLong() >> random.nextInt(64);
        };
    }

    /** Any finite double, an edge case one time in four. */
    public double anyFiniteDouble() {
        if (oneIn(4)) {
            return EDGE_DOUBLES[random.nextInt(EDGE_DOUBLES.length)];
        }
        return switch (random.nextInt(3)) {
            case 0 -> {
                double d;
                do {
                    d = Double.longBitsToDouble(random.nextLong());
                } while (!Double.isFinite(d));
                yield d;
            }
            case 1 -> (random.nextDouble() - 0.5) * 2000;
            default -> random.nextInt(-100000, 100000) / 8.0;
        };
    }

    /** A code point from the whole Unicode range except surrogates, often ASCII, sometimes an edge case. */
    public int anyCodePoint() {
        return switch (random.nextInt(6)) {
            case 0 -> EDGE_CODE_POINTS[random.nextInt(EDGE_CODE_POINTS.length)];
            case 1, 2 -> random.nextInt(0x20, 0x7f);
            case 3 -> random.nextInt(0, 0x800);
            case 4 -> {
                int c;
                do {
                    c = random.nextInt(0, 0x10000);
                } while (Character.isSurrogate((char) c));
                yield c;
            }
            default -> random.nextInt(0x10000, 0x110000);
        };
    }

    /** A string of up to {@code maxLength} code points from {@link #anyCodePoint()}. */
    public String anyString(int maxLength) {
        int n = size(maxLength);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.appendCodePoint(anyCodePoint());
        }
        return sb.toString();
    }

    /** A string of up to {@code maxLength} characters drawn from {@code alphabet}. */
    public String stringOf(String alphabet, int minLength, int maxLength) {
        int n = intIn(minLength, maxLength);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** Up to {@code maxLength} random bytes; often ASCII-ish or JSON-ish so parsers get past their first byte. */
    public byte[] anyBytes(int maxLength) {
        int n = size(maxLength);
        byte[] b = new byte[n];
        int mode = random.nextInt(3);
        String jsonish = "{}[]\":,0123456789-+.eEtruefalsn \\u\n";
        for (int i = 0; i < n; i++) {
            b[i] = switch (mode) {
                case 0 -> (byte) random.nextInt(256);
                case 1 -> (byte) random.nextInt(0x20, 0x7f);
                default -> (byte) jsonish.charAt(random.nextInt(jsonish.length()));
            };
        }
        return b;
    }

    /** UTF-8 bytes of {@link #anyString(int)}. */
    public byte[] anyUtf8(int maxLength) {
        return anyString(maxLength).getBytes(StandardCharsets.UTF_8);
    }

    /** One of the given values. */
    @SafeVarargs
    public final <T> T oneOf(T... values) {
        return values[random.nextInt(values.length)];
    }

    /** A list of up to {@code maxSize} elements made by {@code element}. */
    public <T> List<T> listOf(int maxSize, Function<Gen, T> element) {
        int n = size(maxSize);
        List<T> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(element.apply(this));
        }
        return list;
    }

    /** A size in {@code [0, max]}, small sizes (0, 1) more often than uniform. */
    public int size(int max) {
        return switch (random.nextInt(8)) {
            case 0 -> 0;
            case 1 -> Math.min(1, max);
            case 2 -> max;
            default -> random.nextInt(max + 1);
        };
    }
}
