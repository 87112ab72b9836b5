// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * A JSON number, kept as its source token so that nothing is lost: an int64 reads back exactly and an
 * integer token ({@code 5}) is told apart from a fractional or exponent one ({@code 5.0}, {@code 5e0}),
 * which matters because Go refuses the latter for integer fields.
 *
 * @param token the number exactly as written, matching the RFC 8259 {@code number} rule
 */
public record JsonNumber(String token) implements JsonValue {

    /** Rejects a token that is not an RFC 8259 number (no NaN, no Infinity, no leading {@code +} or zeros). */
    public JsonNumber {
        Objects.requireNonNull(token, "token");
        if (NumberGrammar.end(token, 0) != token.length()) {
            throw new IllegalArgumentException("not a JSON number: '" + token + "'");
        }
    }

    /**
     * Returns the number for an int64.
     *
     * @param value any long
     * @return its decimal token
     */
    public static JsonNumber of(long value) {
        return new JsonNumber(Long.toString(value));
    }

    /**
     * Returns the number for a finite double, formatted as Go's {@code encoding/json} does: the
     * shortest digits that read back to the same double, in plain notation unless the magnitude is
     * below 1e-6 or at least 1e21, where it uses an exponent without leading zeros ({@code 1e-7},
     * {@code 1e+21}).
     *
     * @param value a finite double
     * @return its token
     * @throws IllegalArgumentException if value is NaN or infinite (JSON cannot express them)
     */
    public static JsonNumber of(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("numeric values must be finite, but was " + value);
        }
        if (value == 0) {
            return new JsonNumber(Double.doubleToRawLongBits(value) < 0 ? "-0" : "0");
        }
        double magnitude = Math.abs(value);
        BigDecimal digits = shortestDigits(magnitude);
        StringBuilder out = new StringBuilder(24);
        if (value < 0) {
            out.append('-');
        }
        if (magnitude < 1e-6 || magnitude >= 1e21) {
            // Go's strconv 'e' format with its exponent cleaned of a leading zero: 1e-7, 1.5e+300.
            String unscaled = digits.unscaledValue().toString();
            int exponent = unscaled.length() - 1 - digits.scale();
            out.append(unscaled.charAt(0));
            if (unscaled.length() > 1) {
                out.append('.').append(unscaled, 1, unscaled.length());
            }
            out.append('e').append(exponent < 0 ? '-' : '+').append(Math.abs(exponent));
        } else {
            out.append(digits.toPlainString());
        }
        return new JsonNumber(out.toString());
    }

    /**
     * The shortest decimal that reads back as {@code magnitude} (positive, finite), the closest one
     * when several are that short: the digits Go's {@code strconv} (Ryu) produces, without trailing zeros.
     */
    static BigDecimal shortestDigits(double magnitude) {
        // Double.toString (JDK 19 and later) is shortest with one exception: when a one-digit decimal
        // would do, it also considers two-digit ones and takes the closest, so 5e-324 comes out as
        // 4.9E-324. Go would write 5e-324; check the one-digit neighbours of a two-digit result.
        BigDecimal d = new BigDecimal(Double.toString(magnitude)).stripTrailingZeros();
        if (d.precision() != 2) {
            return d;
        }
        BigDecimal exact = new BigDecimal(magnitude);
        BigDecimal best = null;
        for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
            BigDecimal candidate = d.setScale(d.scale() - 1, mode);
            if (Double.parseDouble(candidate.toString()) != magnitude) {
                continue;
            }
            if (best == null || candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0) {
                best = candidate;
            }
        }
        return best == null ? d : best.stripTrailingZeros();
    }

    /** True if the token has no fraction and no exponent, so it may be read as an integer. */
    public boolean isInteger() {
        return token.indexOf('.') < 0 && token.indexOf('e') < 0 && token.indexOf('E') < 0;
    }

    /**
     * Returns the value as an int64, exactly.
     *
     * @return the long
     * @throws ArithmeticException if the token is not an integer token or is outside the int64 range
     */
    public long longValueExact() {
        if (!isInteger()) {
            throw new ArithmeticException("number " + token + " is not an integer");
        }
        try {
            return Long.parseLong(token);
        } catch (NumberFormatException e) {
            throw new ArithmeticException("number " + token + " is outside the int64 range");
        }
    }

    /** Returns the nearest double (may be infinite for a huge token such as {@code 1e400}). */
    public double doubleValue() {
        return Double.parseDouble(token);
    }

    /** Returns the exact decimal value of the token. */
    public BigDecimal decimalValue() {
        return new BigDecimal(token);
    }

    /** The RFC 8259 §6 number grammar, shared by the parser and the token check. */
    static final class NumberGrammar {
        private NumberGrammar() {}

        /**
         * Returns the index just past the number starting at {@code start}; if the text there is not a
         * number, a negative value from which {@link #failedAt} gives the index where a digit was
         * needed. See https://datatracker.ietf.org/doc/html/rfc8259#section-6
         */
        static int end(CharSequence s, int start) {
            int i = start;
            int n = s.length();
            if (i < n && s.charAt(i) == '-') {
                i++;
            }
            if (i >= n) {
                return -1 - i;
            }
            if (s.charAt(i) == '0') {
                i++;
            } else if (s.charAt(i) >= '1' && s.charAt(i) <= '9') {
                while (i < n && isDigit(s.charAt(i))) {
                    i++;
                }
            } else {
                return -1 - i;
            }
            if (i < n && s.charAt(i) == '.') {
                i++;
                if (i >= n || !isDigit(s.charAt(i))) {
                    return -1 - i;
                }
                while (i < n && isDigit(s.charAt(i))) {
                    i++;
                }
            }
            if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                i++;
                if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                    i++;
                }
                if (i >= n || !isDigit(s.charAt(i))) {
                    return -1 - i;
                }
                while (i < n && isDigit(s.charAt(i))) {
                    i++;
                }
            }
            return i;
        }

        /** The index where a digit was needed, from a negative result of {@link #end}. */
        static int failedAt(int result) {
            return -1 - result;
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }

    /** The compact JSON text, as {@link Json#write(JsonValue)} gives it. */
    @Override
    public String toString() {
        return Json.write(this);
    }
}
