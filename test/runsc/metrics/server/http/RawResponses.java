// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A strict parser of HTTP/1.1 responses for tests: fails on anything not well-formed. */
public final class RawResponses {
    private RawResponses() {}

    /** One parsed response; header names lower-cased; the body as UTF-8 text and as bytes. */
    public record Response(int status, String reason, Map<String, String> headers, String body, byte[] bodyBytes) {}

    /** Parses every response in the bytes; HEAD responses must not be among them. */
    public static List<Response> parseAll(byte[] bytes) throws IOException {
        InputStream in = new ByteArrayInputStream(bytes);
        List<Response> responses = new ArrayList<>();
        while (in.available() > 0) {
            responses.add(parse(in, false));
        }
        return responses;
    }

    /** Parses one response from a stream; with {@code head} no body is read. */
    public static Response parse(InputStream in, boolean head) throws IOException {
        String status = line(in);
        if (!status.matches("HTTP/1\\.1 [1-5]\\d\\d [^\r\n]+")) {
            throw new IOException("malformed status line: " + status);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(": ");
            if (colon <= 0) {
                throw new IOException("malformed header line: " + l);
            }
            headers.put(l.substring(0, colon).toLowerCase(Locale.ROOT), l.substring(colon + 2));
        }
        int code = Integer.parseInt(status.substring(9, 12));
        if (code == 100) {
            return parse(in, head);
        }
        String length = headers.get("content-length");
        if (length == null) {
            throw new IOException("no Content-Length in " + status);
        }
        byte[] body = head ? new byte[0] : in.readNBytes(Integer.parseInt(length));
        if (!head && body.length != Integer.parseInt(length)) {
            throw new IOException("body has " + body.length + " of " + length + " bytes");
        }
        return new Response(code, status.substring(13), headers, new String(body, StandardCharsets.UTF_8), body);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("end of stream inside a response head after \"" + b + "\"");
            }
            if (c == '\n') {
                if (b.isEmpty() || b.charAt(b.length() - 1) != '\r') {
                    throw new IOException("line without CRLF: " + b);
                }
                return b.substring(0, b.length() - 1);
            }
            b.append((char) c);
        }
    }
}
