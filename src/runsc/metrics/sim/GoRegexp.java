// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles the {@code only_metrics} filter and, when it is invalid, words the error as a real sandbox
 * does ({@code cannot compile regexp "(": error parsing regexp: missing closing ): `(`}).
 *
 * <p>Matching uses {@code java.util.regex}, an unanchored find as Go's {@code MatchString}; the simple
 * patterns a simulator sees behave the same in both. Java's error kinds are mapped to Go's texts for
 * the common mistakes; the offending expression quoted is the whole pattern, which is what Go
 * quotes for a missing parenthesis and close enough for the others.
 */
final class GoRegexp {
    private GoRegexp() {}

    /** A compile failure carrying the sandbox's error text. */
    static final class InvalidRegexp extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidRegexp(String message) {
            super(message);
        }
    }

    static Pattern compile(String regex) throws InvalidRegexp {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            String d = e.getDescription();
            String code;
            if (d.startsWith("Unclosed group")) {
                code = "missing closing )";
            } else if (d.startsWith("Unclosed character class")) {
                code = "missing closing ]";
            } else if (d.startsWith("Dangling meta character")) {
                code = "missing argument to repetition operator";
            } else if (d.startsWith("Unmatched closing ')'")) {
                code = "unexpected )";
            } else {
                code = "invalid regexp (" + d + ")";
            }
            throw new InvalidRegexp("cannot compile regexp " + quote(regex) + ": error parsing regexp: "
                    + code + ": `" + regex + "`");
        }
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
