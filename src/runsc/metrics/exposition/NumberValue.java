// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import runsc.metrics.gotext.GoText;

/**
 * A sample value: an int64 or a float64, never both (gVisor's {@code Number}).
 *
 * <p>Zero has one representation, {@link #ZERO} (the integer 0): a float 0 or -0 becomes it,
 * because Go treats a {@code Number} whose float is zero as the integer it holds, and the wire
 * encodes every zero as {@code {}}. Equality is structural: the integer 2 and the float 2.0 differ,
 * as they do for the verifier's bucket-bound check.
 */
public sealed interface NumberValue permits NumberValue.IntValue, NumberValue.FloatValue {
    /** The zero value (the integer 0). */
    IntValue ZERO = new IntValue(0);

    /** {@return the integer {@code value}} */
    static NumberValue ofInt(long value) {
        return value == 0 ? ZERO : new IntValue(value);
    }

    /** {@return the float {@code value}, or {@link #ZERO} for 0 and -0} */
    static NumberValue ofFloat(double value) {
        return value == 0 ? ZERO : new FloatValue(value);
    }

    /**
     * Builds a value from Go's two fields, as the writer reads them: a non-zero float wins,
     * otherwise the integer is the value.
     *
     * @param intField the {@code int} field (0 when absent)
     * @param floatField the {@code float} field (0 when absent)
     * @return the value
     */
    static NumberValue of(long intField, double floatField) {
        return floatField == 0 ? ofInt(intField) : new FloatValue(floatField);
    }

    /** {@return whether this is zero} */
    default boolean isZero() {
        return this instanceof IntValue(long v) && v == 0;
    }

    /**
     * {@return whether this counts as an integer for the verifier: an int, or a finite float with
     * an integral value inside the int64 range}
     */
    default boolean isInteger() {
        return switch (this) {
            case IntValue i -> true;
            case FloatValue(double v) -> v == Math.rint(v) && v >= -0x1p63 && v < 0x1p63;
        };
    }

    /** {@return whether both are ints or both are floats; zero is compatible with either} */
    default boolean sameKind(NumberValue other) {
        return isZero() || other.isZero() || getClass() == other.getClass();
    }

    /**
     * An int64 value.
     *
     * @param value the value
     */
    record IntValue(long value) implements NumberValue {
        @Override
        public String toString() {
            return GoText.formatInt(value);
        }
    }

    /**
     * A float64 value other than zero (NaN and the infinities included).
     *
     * @param value the value
     */
    record FloatValue(double value) implements NumberValue {
        /** Rejects zero, which has the single form {@link NumberValue#ZERO}. */
        public FloatValue {
            if (value == 0) {
                throw new IllegalArgumentException("a zero float is the integer 0: use NumberValue.ofFloat");
            }
        }

        @Override
        public String toString() {
            return GoText.formatFloat(value);
        }
    }
}
