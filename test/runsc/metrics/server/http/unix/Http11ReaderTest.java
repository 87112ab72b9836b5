// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.unix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import runsc.metrics.server.config.TransportLimits;
import runsc.metrics.server.http.Header;

class Http11ReaderTest {
    private static Http11Reader reader(String text) {
        return new Http11Reader(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)),
                TransportLimits.DEFAULT_MAX_BODY_BYTES);
    }

    private static Http11Reader.RequestHead head(String text) throws IOException {
        Http11Reader r = reader(text);
        assertTrue(r.awaitRequest());
        return r.readHead();
    }

    private static Http11Exception rejected(String text) {
        return assertThrows(Http11Exception.class, () -> {
            Http11Reader r = reader(text);
            r.awaitRequest();
            r.readBody(r.readHead());
        });
    }

    /** Reading {@code text} fails with {@code status} and {@code message}. */
    private static void assertRejected(String text, int status, String message) {
        Http11Exception e = rejected(text);
        assertEquals(status, e.getStatus());
        assertEquals(message, e.getMessage());
    }

    @Test
    void parsesRequestLineAndHeaders() throws IOException {
        Http11Reader.RequestHead h = head("GET /metrics?x=1 HTTP/1.1\r\nHost: localhost\r\nAccept:  text/plain \r\n\r\n");
        assertEquals("GET", h.method());
        assertEquals("/metrics?x=1", h.target());
        assertEquals(1, h.minorVersion());
        assertEquals(List.of(new Header("Host", "localhost"), new Header("Accept", "text/plain")), h.headers().list());
        assertTrue(h.keepAlive());
    }

    @Test
    void acceptsBareLineFeedsAndSkipsLeadingEmptyLines() throws IOException {
        Http11Reader.RequestHead h = head("\r\n\nHEAD / HTTP/1.0\nX-A: b\n\n");
        assertEquals("HEAD", h.method());
        assertEquals(0, h.minorVersion());
        assertFalse(h.keepAlive());
    }

    @Test
    void decidesPersistenceFromVersionAndConnection() throws IOException {
        assertFalse(head("GET / HTTP/1.1\r\nConnection: keep-alive, Close\r\n\r\n").keepAlive());
        assertTrue(head("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keepAlive());
    }

    @Test
    void keepsTargetBytesAsLatin1() throws IOException {
        assertEquals("/\u00c3\u00a9", head("GET /\u00c3\u00a9 HTTP/1.1\r\n\r\n").target());
    }

    @Test
    void reportsEndOfStreamBeforeARequest() throws IOException {
        assertFalse(reader("").awaitRequest());
        assertFalse(reader("\r\n\r\n").awaitRequest());
    }

    @Test
    void failsOnEndOfStreamInsideTheHead() {
        assertThrows(EOFException.class, () -> head("GET / HTTP/1.1\r\nHost: x\r\n"));
    }

    @Test
    void readsContentLengthBodiesAndThenTheNextRequest() throws IOException {
        Http11Reader r = reader("POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\n\r\n");
        assertTrue(r.awaitRequest());
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), r.readBody(r.readHead()));
        assertTrue(r.awaitRequest());
        Http11Reader.RequestHead second = r.readHead();
        assertEquals("/b", second.target());
        assertEquals(0, r.readBody(second).length);
        assertFalse(r.awaitRequest());
    }

    @Test
    void failsOnTruncatedBody() {
        EOFException e = assertThrows(EOFException.class, () -> {
            Http11Reader r = reader("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
            r.awaitRequest();
            r.readBody(r.readHead());
        });
        assertEquals("connection closed after 3 of 10 body bytes", e.getMessage());
    }

    @Test
    void acceptsRequestLineAtTheLimitAndRejectsOneByteMore() throws IOException {
        int limit = Http11Reader.MAX_REQUEST_LINE_BYTES;
        assertEquals(8192, limit);
        String prefix = "GET /";
        String suffix = " HTTP/1.1";
        String fits = prefix + "a".repeat(limit - prefix.length() - suffix.length()) + suffix;
        assertEquals(limit, fits.length());
        head(fits + "\r\n\r\n");
        String tooLong = prefix + "a".repeat(limit - prefix.length() - suffix.length() + 1) + suffix;
        assertRejected(tooLong + "\r\n\r\n", 414, "request line exceeds 8192 bytes");
    }

    @Test
    void rejectsEndlessRequestLineWithoutWaitingForItsEnd() {
        Http11Exception e = rejected("GET /" + "a".repeat(100_000));
        assertEquals(414, e.getStatus());
    }

    @Test
    void acceptsHeaderCountAtTheLimitAndRejectsOneMore() throws IOException {
        assertEquals(100, Http11Reader.MAX_HEADER_COUNT);
        head("GET / HTTP/1.1\r\n" + "X: y\r\n".repeat(100) + "\r\n");
        assertRejected("GET / HTTP/1.1\r\n" + "X: y\r\n".repeat(101) + "\r\n", 431, "more than 100 header fields");
    }

    @Test
    void acceptsHeaderSectionAtTheLimitAndRejectsOneByteMore() throws IOException {
        int limit = Http11Reader.MAX_HEADER_BYTES;
        assertEquals(16384, limit);
        String field = "X: " + "v".repeat(limit - 5) + "\r\n";
        assertEquals(limit, field.length());
        head("GET / HTTP/1.1\r\n" + field + "\r\n");
        String tooBig = "X: " + "v".repeat(limit - 4) + "\r\n";
        assertRejected("GET / HTTP/1.1\r\n" + tooBig + "\r\n", 431, "header section exceeds 16384 bytes");
    }

    @Test
    void acceptsBodyAtTheLimitAndRejectsOneByteMore() throws IOException {
        int limit = TransportLimits.DEFAULT_MAX_BODY_BYTES;
        assertEquals(65536, limit);
        Http11Reader r = reader("POST / HTTP/1.1\r\nContent-Length: " + limit + "\r\n\r\n" + "b".repeat(limit));
        r.awaitRequest();
        assertEquals(limit, r.readBody(r.readHead()).length);
        assertRejected("POST / HTTP/1.1\r\nContent-Length: 65537\r\n\r\n", 413,
                "request body of 65537 bytes exceeds 65536 bytes");
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', textBlock = """
            GET  / HTTP/1.1                                                   | 400 | malformed request line
            GET /                                                             | 400 | malformed request line
            GET / HTTP/1.1 x                                                  | 400 | malformed request line
            G(T / HTTP/1.1                                                    | 400 | malformed request method
            GET / HTTP/11                                                     | 400 | malformed HTTP version
            GET / http/1.1                                                    | 400 | malformed HTTP version
            GET / HTTP/2.0                                                    | 505 | unsupported protocol version HTTP/2.0
            GET / HTTP/1.1\\r\\n folded: x                                   | 400 | obsolete line folding in header section
            GET / HTTP/1.1\\r\\nName : x                                     | 400 | malformed header field
            GET / HTTP/1.1\\r\\nno-colon                                     | 400 | malformed header field
            GET / HTTP/1.1\\r\\nX: a\\u0001b                                 | 400 | invalid character in header field value
            GET / HTTP/1.1\\r\\nX: a\\rb                                     | 400 | bare CR in request head
            GET / HTTP/1.1\\r\\nTransfer-Encoding: chunked                   | 411 | chunked request bodies are not supported; send Content-Length
            GET / HTTP/1.1\\r\\nTransfer-Encoding: gzip                      | 501 | unsupported transfer encoding
            GET / HTTP/1.1\\r\\nContent-Length: 1\\r\\nContent-Length: 2    | 400 | conflicting Content-Length values
            GET / HTTP/1.1\\r\\nContent-Length: -1                           | 400 | bad Content-Length
            GET / HTTP/1.1\\r\\nContent-Length: 1x                           | 400 | bad Content-Length
            GET / HTTP/1.1\\r\\nContent-Length: 99999999999999999999         | 400 | bad Content-Length
            """)
    void rejectsMalformedHeads(String head, int status, String message) {
        String text = head.strip().replace("\\r", "\r").replace("\\n", "\n").replace("\\u0001", "\u0001");
        assertRejected(text + "\r\n\r\n", status, message);
    }

    @Test
    void rejectsTargetWithControlCharacters() {
        assertEquals("malformed request target", rejected("GET /a\u0000b HTTP/1.1\r\n\r\n").getMessage());
    }
}
