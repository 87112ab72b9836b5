// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of Go's {@code net/url} and {@code path} packages the routes depend on, working on
 * "byte strings": Java strings whose chars are bytes (ISO-8859-1), because Go strings are bytes
 * and a percent-decoded path or query need not be UTF-8.
 */
final class GoUrl {
    private GoUrl() {}

    /** A failed {@link #unescape}, with Go's message {@code invalid URL escape "%zz"}. */
    static final class EscapeException extends Exception {
        private static final long serialVersionUID = 1L;

        EscapeException(String badEscape) {
            super("invalid URL escape " + goQuote(badEscape), null, false, false);
        }
    }

    /**
     * The result of Go's {@code url.ParseQuery}: the pairs that parsed, and the first error.
     *
     * @param values the values per key, keys in first-seen order
     * @param error the error text, or null
     */
    record Query(Map<String, List<String>> values, String error) {
        Query {
            Map<String, List<String>> copy = new LinkedHashMap<>();
            values.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            values = Collections.unmodifiableMap(copy);
        }

        /** Go's {@code Values.Get}: the first value, or "" when the key is absent. */
        String get(String key) {
            List<String> v = values.get(key);
            return v == null || v.isEmpty() ? "" : v.get(0);
        }
    }

    /**
     * Go's {@code unescape}: decodes {@code %XX}; in a query component also {@code +} to space.
     *
     * @param s the encoded byte string
     * @param queryComponent true for query keys and values, false for paths
     * @return the decoded byte string
     * @throws EscapeException for a {@code %} not followed by two hex digits
     */
    static String unescape(String s, boolean queryComponent) throws EscapeException {
        if (s.indexOf('%') < 0 && (!queryComponent || s.indexOf('+') < 0)) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || hex(s.charAt(i + 1)) < 0 || hex(s.charAt(i + 2)) < 0) {
                    throw new EscapeException(s.substring(i, Math.min(s.length(), i + 3)));
                }
                b.append((char) (hex(s.charAt(i + 1)) << 4 | hex(s.charAt(i + 2))));
                i += 2;
            } else if (c == '+' && queryComponent) {
                b.append(' ');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Go's {@code url.ParseQuery}: lenient, a bad pair is skipped and only the error remembered.
     *
     * @param query the raw query byte string
     * @return the pairs and the first error
     */
    static Query parseQuery(String query) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        String error = null;
        int start = 0;
        while (start < query.length()) {
            int amp = query.indexOf('&', start);
            String pair = amp < 0 ? query.substring(start) : query.substring(start, amp);
            start = amp < 0 ? query.length() : amp + 1;
            if (pair.indexOf(';') >= 0) {
                error = "invalid semicolon separator in query";
                continue;
            }
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String key = unescape(eq < 0 ? pair : pair.substring(0, eq), true);
                String value = unescape(eq < 0 ? "" : pair.substring(eq + 1), true);
                values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            } catch (EscapeException e) {
                if (error == null) {
                    error = e.getMessage();
                }
            }
        }
        return new Query(values, error);
    }

    /**
     * Go's {@code cleanPath} from {@code net/http}: {@code path.Clean} that keeps a trailing slash.
     *
     * @param p a decoded path
     * @return the clean path
     */
    static String cleanPath(String p) {
        if (p.isEmpty()) {
            return "/";
        }
        if (p.charAt(0) != '/') {
            p = "/" + p;
        }
        String np = clean(p);
        if (p.charAt(p.length() - 1) == '/' && !np.equals("/")) {
            np += "/";
        }
        return np;
    }

    /** Go's {@code path.Clean} for a rooted path. */
    private static String clean(String p) {
        List<String> parts = new ArrayList<>();
        for (String seg : p.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.removeLast();
                }
                continue;
            }
            parts.add(seg);
        }
        return "/" + String.join("/", parts);
    }

    /**
     * Go's {@code url.PathEscape}-like escaping of a path as {@code URL.EscapedPath} does it:
     * everything but unreserved characters and {@code $&+,/:;=@} becomes {@code %XX}.
     *
     * @param path a decoded path byte string
     * @return the escaped path
     */
    static String escapePath(String path) {
        StringBuilder b = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "-_.~$&+,/:;=@".indexOf(c) >= 0) {
                b.append(c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4 & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return b.toString();
    }

    /**
     * Go's {@code htmlEscape} from {@code net/http}.
     *
     * @param s text
     * @return the text with {@code & < > " '} replaced by entities
     */
    static String htmlEscape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&#34;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Decodes a byte string as UTF-8. A byte that is not part of a valid sequence becomes the
     * unpaired surrogate {@code U+DC00 + byte} (Python's "surrogateescape"), so that the text is
     * never silently changed and a later check can reject it as invalid UTF-8, as Go would.
     *
     * @param bytes the byte string
     * @return the text
     */
    static String decodeUtf8(String bytes) {
        StringBuilder b = new StringBuilder(bytes.length());
        int i = 0;
        while (i < bytes.length()) {
            int c = bytes.charAt(i);
            int n = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : -1;
            int cp = n == 0 ? c : n == 1 ? c & 0x1F : n == 2 ? c & 0x0F : c & 0x07;
            boolean ok = n >= 0 && i + n < bytes.length();
            for (int k = 1; ok && k <= n; k++) {
                int cc = bytes.charAt(i + k);
                ok = (cc & 0xC0) == 0x80;
                cp = cp << 6 | cc & 0x3F;
            }
            ok = ok && (n < 2 || cp >= (n == 2 ? 0x800 : 0x10000)) && cp <= 0x10FFFF
                    && (cp < 0xD800 || cp > 0xDFFF);
            if (ok) {
                b.appendCodePoint(cp);
                i += n + 1;
            } else {
                b.append((char) (0xDC00 + c));
                i++;
            }
        }
        return b.toString();
    }

    /**
     * Go's {@code strconv.Quote} for a byte string: printable UTF-8 kept, the rest escaped.
     *
     * @param bytes the byte string
     * @return the quoted text
     */
    static String goQuote(String bytes) {
        String text = decodeUtf8(bytes);
        StringBuilder b = new StringBuilder(text.length() + 2).append('"');
        text.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case 7 -> b.append("\\a");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case 0x0B -> b.append("\\v");
                default -> {
                    if (cp >= 0xDC80 && cp <= 0xDCFF) {
                        b.append(String.format("\\x%02x", cp - 0xDC00));
                    } else if (cp < 0x20 || cp == 0x7F) {
                        b.append(String.format("\\x%02x", cp));
                    } else if (Character.isISOControl(cp) || !Character.isDefined(cp)) {
                        b.append(cp > 0xFFFF ? String.format("\\U%08x", cp) : String.format("\\u%04x", cp));
                    } else {
                        b.appendCodePoint(cp);
                    }
                }
            }
        });
        return b.append('"').toString();
    }

    private static int hex(char c) {
        return c < 0x80 ? Character.digit(c, 16) : -1;
    }
}
