// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

/** Go's {@code %q} of a string (strconv.Quote) for messages that mirror upstream's. */
final class GoQuote {
    private GoQuote() {}

    /**
     * {@return {@code s} in double quotes with {@code "} and {@code \} escaped, the C escapes for
     * control characters, {@code \xNN} / {@code \u005CuXXXX} for other non-printable characters}
     */
    static String quote(String s) {
        var sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case 0x07 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 0x0B -> sb.append("\\v");
                default -> {
                    if (c < 0x20 || c == 0x7F) {
                        sb.append(String.format("\\x%02x", c));
                    } else if (Character.isISOControl(c) || Character.isSurrogate((char) c) && c <= 0xFFFF
                            || !Character.isDefined(c)) {
                        sb.append(c <= 0xFFFF ? String.format("\\u%04x", c) : String.format("\\U%08x", c));
                    } else {
                        sb.appendCodePoint(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
