// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.testing;

import java.util.function.Function;

/**
 * Property checks on plain JUnit Jupiter: run a property over many generated inputs and report the
 * first failure with the seed that replays it and the input that broke it.
 *
 * <p>Each check uses a fresh seed per run unless {@code -Drunsc.metrics.seed=N} fixes one; the seed
 * is in every failure message, so a failure seen once on CI can be replayed exactly:
 * {@code make test SELECT='--select-class ...' TEST_JAVA_OPTS=-Drunsc.metrics.seed=N}.
 */
public final class Property {
    /** Default number of generated inputs per property. */
    public static final int DEFAULT_TRIES = 1000;

    private Property() {}

    /** A property body that may throw. */
    @FunctionalInterface
    public interface Check<T> {
        /** Throws (usually an assertion error) when the property does not hold for {@code value}. */
        void accept(T value) throws Exception;
    }

    /**
     * Checks {@code property} on {@link #DEFAULT_TRIES} values made by {@code generator}.
     *
     * @param <T>       the input type
     * @param generator makes one input from a {@link Gen}
     * @param property  throws when the property fails
     */
    public static <T> void forAll(Function<Gen, T> generator, Check<T> property) {
        forAll(DEFAULT_TRIES, generator, property);
    }

    /**
     * Checks {@code property} on {@code tries} values made by {@code generator}.
     *
     * @param <T>       the input type
     * @param tries     how many inputs
     * @param generator makes one input from a {@link Gen}
     * @param property  throws when the property fails
     */
    public static <T> void forAll(int tries, Function<Gen, T> generator, Check<T> property) {
        long seed = Long.getLong("runsc.metrics.seed", System.nanoTime());
        Gen gen = new Gen(seed);
        for (int i = 0; i < tries; i++) {
            T value = generator.apply(gen);
            try {
                property.accept(value);
            } catch (Throwable t) {
                throw new AssertionError("property failed on try " + (i + 1) + " of " + tries + " (replay with -Drunsc.metrics.seed="
                        + seed + ") for input: " + describe(value) + "\n" + t, t);
            }
        }
    }

    private static String describe(Object value) {
        String text;
        if (value instanceof byte[] bytes) {
            StringBuilder sb = new StringBuilder("bytes[").append(bytes.length).append("] ");
            for (byte b : bytes) {
                sb.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff));
            }
            text = sb.toString();
        } else {
            text = String.valueOf(value);
        }
        return text.length() > 2000 ? text.substring(0, 2000) + "... (" + text.length() + " characters)" : text;
    }
}
