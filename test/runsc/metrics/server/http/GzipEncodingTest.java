// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class GzipEncodingTest {
    private static final byte[] BODY = "# HELP x y\n".repeat(200).getBytes(StandardCharsets.UTF_8);

    private static boolean takes(String... values) {
        return GzipEncoding.acceptsGzip(List.of(values));
    }

    @Test
    void negotiatesWithQValues() {
        assertTrue(takes("gzip"));
        assertTrue(takes("gzip, deflate, br"));
        assertTrue(takes("deflate", "GZIP;q=0.5"));
        assertTrue(takes("x-gzip"));
        assertTrue(takes("*"));
        assertTrue(takes("gzip;q=1.0, identity;q=0.5"));
        assertTrue(takes("gzip ; q=0.8, identity;q=0.8"));
        assertFalse(takes());
        assertFalse(takes(""));
        assertFalse(takes("identity"));
        assertFalse(takes("deflate, br"));
        assertFalse(takes("gzip;q=0"));
        assertFalse(takes("gzip;q=0.000"));
        assertFalse(takes("*;q=0.5, gzip;q=0"));
        assertFalse(takes("gzip;q=0.5, identity"));
        assertFalse(takes("*;q=0.3, identity;q=0.4"));
        assertFalse(takes("gzip;q=2"), "a malformed q-value never chooses");
    }

    @Test
    void compressesALargeOkBodyAndSaysSo() throws IOException {
        HttpRequest request = HttpRequest.of("GET", "/metrics", HttpHeaders.of("Accept-Encoding", "gzip"), new byte[0]);
        HttpResponse plain = HttpResponse.of(200, Router.METRICS_CONTENT_TYPE, BODY);
        HttpResponse sent = GzipEncoding.apply(request, plain);
        assertEquals("gzip", sent.header("Content-Encoding"));
        assertEquals("Accept-Encoding", sent.header("Vary"));
        assertEquals(Router.METRICS_CONTENT_TYPE, sent.header("Content-Type"));
        assertTrue(sent.bodyLength() < BODY.length / 10);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(sent.bodyBytes()))) {
            assertArrayEquals(BODY, in.readAllBytes());
        }
    }

    @Test
    void leavesSmallErrorAndUnaskedResponsesAlone() {
        HttpRequest gzip = HttpRequest.of("GET", "/", HttpHeaders.of("Accept-Encoding", "gzip"), new byte[0]);
        HttpResponse small = HttpResponse.of(200, "text/plain", new byte[GzipEncoding.MIN_BYTES - 1]);
        assertSame(small, GzipEncoding.apply(gzip, small));
        HttpResponse error = HttpResponse.of(503, "text/plain", BODY);
        assertSame(error, GzipEncoding.apply(gzip, error));
        HttpResponse large = HttpResponse.of(200, "text/plain", BODY);
        assertSame(large, GzipEncoding.apply(HttpRequest.of("GET", "/", HttpHeaders.EMPTY, new byte[0]), large));
    }
}
