// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import java.util.function.Predicate;
import runsc.metrics.regex.Re2Pattern;
import runsc.metrics.regex.Re2SyntaxException;
import runsc.metrics.regex.RegexMatchLimitException;

/**
 * Compiles the {@code only_metrics} filter as a sandbox does (Go RE2, matched unanchored on the
 * unprefixed metric name) and, when it is invalid, words the error as a real sandbox does:
 * {@code cannot compile regexp "(": error parsing regexp: missing closing ): `(`}.
 */
final class GoRegexp {
    private GoRegexp() {}

    /** A compile failure carrying the sandbox's error text. */
    static final class InvalidRegexp extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidRegexp(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * {@return an unanchored matcher for {@code regex}; a match that runs out of its time budget
     * counts as no match}
     */
    static Predicate<String> compile(String regex) throws InvalidRegexp {
        Re2Pattern pattern;
        try {
            pattern = Re2Pattern.compile(regex);
        } catch (Re2SyntaxException e) {
            throw new InvalidRegexp("cannot compile regexp " + quote(regex) + ": " + e.getMessage(), e);
        }
        return name -> {
            try {
                return pattern.find(name);
            } catch (RegexMatchLimitException e) {
                return false;
            }
        };
    }

    /** Go's {@code %q} for the printable ASCII and control characters a filter may contain. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
