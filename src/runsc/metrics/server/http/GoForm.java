// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Go's {@code Request.ParseForm}: the urlencoded body of a POST, PUT or PATCH (its values come
 * first), then the URL query. Errors carry Go's text, which the healthcheck route returns.
 */
final class GoForm {
    private GoForm() {}

    /**
     * Parses the form of a request.
     *
     * @param method the request method
     * @param contentType the {@code Content-Type} value, or null
     * @param body the body bytes
     * @param rawQuery the raw query byte string
     * @return the values (body first) and the first error, body errors before query errors
     */
    static GoUrl.Query parse(String method, String contentType, byte[] body, String rawQuery) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        String error = null;
        if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            String ct = contentType == null || contentType.isEmpty() ? "application/octet-stream" : contentType;
            String base = ct.indexOf(';') < 0 ? ct : ct.substring(0, ct.indexOf(';'));
            String mediaType = base.strip().toLowerCase(Locale.ROOT);
            error = checkMediaType(mediaType);
            if (error != null) {
                mediaType = "";
            } else if (ct.indexOf(';') >= 0 && !validParameters(ct.substring(ct.indexOf(';')))) {
                error = "mime: invalid media parameter";
            }
            if (mediaType.equals("application/x-www-form-urlencoded")) {
                GoUrl.Query post = GoUrl.parseQuery(new String(body, StandardCharsets.ISO_8859_1));
                post.values().forEach((k, v) -> values.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
                if (error == null) {
                    error = post.error();
                }
            }
        }
        GoUrl.Query query = GoUrl.parseQuery(rawQuery);
        query.values().forEach((k, v) -> values.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        if (error == null) {
            error = query.error();
        }
        return new GoUrl.Query(values, error);
    }

    /** Go's {@code checkMediaTypeDisposition}; returns the error text or null. */
    private static String checkMediaType(String s) {
        int t = tokenEnd(s, 0);
        if (t == 0) {
            return "mime: no media type";
        }
        if (t == s.length()) {
            return null;
        }
        if (s.charAt(t) != '/') {
            return "mime: expected slash after first token";
        }
        int sub = tokenEnd(s, t + 1);
        if (sub == t + 1) {
            return "mime: expected token after slash";
        }
        return sub == s.length() ? null : "mime: unexpected content after media subtype";
    }

    /** A simplified form of Go's parameter grammar: {@code ; token=token-or-quoted-string}. */
    private static boolean validParameters(String params) {
        for (String p : params.substring(1).split(";", -1)) {
            String param = p.strip();
            if (param.isEmpty()) {
                continue;
            }
            int eq = param.indexOf('=');
            if (eq <= 0 || tokenEnd(param, 0) != eq) {
                return false;
            }
            String value = param.substring(eq + 1);
            boolean quoted = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"");
            if (!quoted && (value.isEmpty() || tokenEnd(value, 0) != value.length())) {
                return false;
            }
        }
        return true;
    }

    private static int tokenEnd(String s, int from) {
        int i = from;
        while (i < s.length() && isTokenChar(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** RFC 9110 token characters (Go's {@code isTokenChar}). */
    static boolean isTokenChar(char c) {
        return c > 0x20 && c < 0x7F && "()<>@,;:\\\"/[]?={} \t".indexOf(c) < 0;
    }
}
