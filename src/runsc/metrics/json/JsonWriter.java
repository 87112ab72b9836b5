// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

/**
 * Compact JSON output, byte for byte what Go's {@code encoding/json} writes for the same value, so
 * that urpc requests equal the ones runsc sends: no whitespace, members in map order, numbers as
 * their tokens, and Go's HTML-safe string escaping ({@code <}, {@code >}, {@code &}, U+2028 and U+2029
 * as {@code \}{@code u} escapes). A lone surrogate, which no Go string can hold as a character, is
 * written as the escape {@code \}{@code ufffd}, as Go writes each byte of invalid UTF-8.
 */
final class JsonWriter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    // For each ASCII character: 0 = copy as-is, otherwise the character after the backslash
    // ('u' = a backslash-u escape with four hex digits).
    private static final char[] ESCAPES = new char[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = 'u';
        }
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\n'] = 'n';
        ESCAPES['\r'] = 'r';
        ESCAPES['\t'] = 't';
        ESCAPES['\b'] = 'b'; // Go 1.22 and later; earlier Go wrote \u0008
        ESCAPES['\f'] = 'f';
        ESCAPES['<'] = 'u';
        ESCAPES['>'] = 'u';
        ESCAPES['&'] = 'u';
    }

    private JsonWriter() {}

    static void write(JsonValue value, StringBuilder out) {
        switch (value) {
            case JsonObject o -> {
                out.append('{');
                boolean first = true;
                for (var member : o.members().entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    string(member.getKey(), out);
                    out.append(':');
                    write(member.getValue(), out);
                }
                out.append('}');
            }
            case JsonArray a -> {
                out.append('[');
                for (int i = 0; i < a.elements().size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(a.elements().get(i), out);
                }
                out.append(']');
            }
            case JsonString s -> string(s.value(), out);
            case JsonNumber n -> out.append(n.token());
            case JsonBool b -> out.append(b.value() ? "true" : "false");
            case JsonNull n -> out.append("null");
        }
    }

    /** Writes a quoted string; clean runs are appended in bulk. */
    static void string(String s, StringBuilder out) {
        out.append('"');
        int run = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            char escape;
            if (c < 128) {
                escape = ESCAPES[c];
                if (escape == 0) {
                    continue;
                }
            } else if (c == '\u2028' || c == '\u2029') {
                escape = 'u';
            } else if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1));
                if (paired) {
                    i++;
                    continue;
                }
                out.append(s, run, i).append("\\ufffd"); // Go's escape for text that is not Unicode
                run = i + 1;
                continue;
            } else {
                continue;
            }
            out.append(s, run, i).append('\\').append(escape);
            if (escape == 'u') {
                out.append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
            }
            run = i + 1;
        }
        out.append(s, run, n).append('"');
    }
}
