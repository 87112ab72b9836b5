// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Content coding of responses: a {@code 200} body of at least {@link #MIN_BYTES} bytes goes out
 * gzip-compressed, with {@code Content-Encoding: gzip} and {@code Vary: Accept-Encoding}, when the
 * request's {@code Accept-Encoding} takes gzip. A request without that header gets the response
 * unchanged, byte for byte, as from upstream.
 */
public final class GzipEncoding {
    /**
     * The smallest body compressed. Below about 1 KiB an exposition body and its headers fit in
     * one TCP segment either way, so compressing saves no packet and costs about 9 µs (measured:
     * 1024 bytes of exposition text become 474 in 8.7 µs, 128 bytes become 119).
     */
    public static final int MIN_BYTES = 1024;

    /**
     * The deflate level: the fastest. Measured on scrapes of 10 to 1000 sandboxes (bench/gzip.sh),
     * it takes half or less of the CPU of the JDK's default level 6 (which client_java and promhttp
     * use) for a body 12 to 35% larger, still 4 to 14 times smaller than the text.
     */
    static final int LEVEL = Deflater.BEST_SPEED;

    private GzipEncoding() {}

    /**
     * Returns the response to send for a request: compressed if the request takes gzip and the
     * response is worth compressing, else the response itself.
     *
     * @param request the request, for its {@code Accept-Encoding}
     * @param response the router's response
     * @return the response to send
     */
    public static HttpResponse apply(HttpRequest request, HttpResponse response) {
        if (response.status() != 200 || response.bodyLength() < MIN_BYTES || response.header("Content-Encoding") != null
                || !acceptsGzip(request.headers().all("Accept-Encoding"))) {
            return response;
        }
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(response.bodyLength() / 4 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed, 8192) {
            {
                def.setLevel(LEVEL);
            }
        }) {
            response.writeBody(gzip);
        } catch (IOException e) {
            throw new UncheckedIOException("gzip into memory failed", e); // not possible with a byte array
        }
        List<Header> headers = new ArrayList<>(response.headers());
        headers.add(new Header("Content-Encoding", "gzip"));
        headers.add(new Header("Vary", "Accept-Encoding"));
        return new HttpResponse(response.status(), headers, compressed.toByteArray(), response.close());
    }

    /**
     * Whether {@code Accept-Encoding} field values take gzip (RFC 9110, section 12.5.3): {@code gzip}
     * or {@code x-gzip}, else {@code *}, with a q-value above 0, and not below an explicit
     * {@code identity}'s. No field, or an empty one, takes only the identity coding.
     *
     * @param values the field values, each a comma-separated list
     * @return true if a gzip body is acceptable and preferred
     */
    static boolean acceptsGzip(List<String> values) {
        double gzip = -1;
        double any = -1;
        double identity = -1;
        for (String value : values) {
            for (String element : value.split(",")) {
                String[] parts = element.split(";");
                String coding = parts[0].trim().toLowerCase(Locale.ROOT);
                double q = quality(parts);
                switch (coding) {
                    case "gzip", "x-gzip" -> gzip = Math.max(gzip, q);
                    case "*" -> any = Math.max(any, q);
                    case "identity" -> identity = Math.max(identity, q);
                    default -> { }
                }
            }
        }
        double taken = gzip >= 0 ? gzip : any;
        return taken > 0 && taken >= identity;
    }

    /**
     * The q parameter of a list element (RFC 9110, section 12.4.2), for {@code Accept-Encoding} and
     * {@code Accept} alike: 1 if absent, 0 if malformed (never chosen).
     *
     * @param parts the element split at {@code ;}: the value, then its parameters
     * @return the weight, 0 to 1
     */
    static double quality(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                String v = p.substring(2).trim();
                if (!v.matches("0(\\.\\d{0,3})?|1(\\.0{0,3})?")) {
                    return 0;
                }
                return Double.parseDouble(v);
            }
        }
        return 1;
    }
}
