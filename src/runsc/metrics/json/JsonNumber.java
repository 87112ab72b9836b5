// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import java.math.BigDecimal;

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
        if (NumberGrammar.end(token, 0) != token.length() || token.isEmpty()) {
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
        // Double.toString gives the shortest round-tripping digits (JDK 19+); re-lay them out Go's way.
        BigDecimal shortest = new BigDecimal(Double.toString(value));
        double magnitude = Math.abs(value);
        if (magnitude < 1e-6 || magnitude >= 1e21) {
            BigDecimal unscaled = shortest.stripTrailingZeros();
            String digits = unscaled.unscaledValue().abs().toString();
            int exponent = digits.length() - 1 - unscaled.scale();
            StringBuilder out = new StringBuilder(digits.length() + 8);
            if (value < 0) {
                out.append('-');
            }
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            out.append('e').append(exponent < 0 ? '-' : '+').append(Math.abs(exponent));
            return new JsonNumber(out.toString());
        }
        return new JsonNumber(shortest.stripTrailingZeros().toPlainString());
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
         * Returns the index just past the number starting at {@code start}, or -1 if none starts there.
         * See https://datatracker.ietf.org/doc/html/rfc8259#section-6
         */
        static int end(CharSequence s, int start) {
            int i = start;
            int n = s.length();
            if (i < n && s.charAt(i) == '-') {
                i++;
            }
            if (i >= n) {
                return -1;
            }
            if (s.charAt(i) == '0') {
                i++;
            } else if (s.charAt(i) >= '1' && s.charAt(i) <= '9') {
                while (i < n && isDigit(s.charAt(i))) {
                    i++;
                }
            } else {
                return -1;
            }
            if (i < n && s.charAt(i) == '.') {
                i++;
                if (i >= n || !isDigit(s.charAt(i))) {
                    return -1;
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
                    return -1;
                }
                while (i < n && isDigit(s.charAt(i))) {
                    i++;
                }
            }
            return i;
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }
}
