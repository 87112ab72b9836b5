// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpResponseTest {
    private static final List<Header> TEXT = List.of(new Header("Content-Type", HttpResponse.TEXT_PLAIN));

    @Test
    void theBufferIsTheArrayItself() {
        byte[] body = "abc".getBytes(StandardCharsets.US_ASCII);
        HttpResponse r = new HttpResponse(200, TEXT, body, false);
        assertEquals(3, r.bodyLength());
        assertSame(body, r.buffer());
    }

    @Test
    void aBodyInPartOfItsArrayIsOnlyThatPart() throws IOException {
        byte[] buffer = "abcdef".getBytes(StandardCharsets.US_ASCII);
        HttpResponse r = new HttpResponse(200, TEXT, buffer, 4, false);
        assertEquals(4, r.bodyLength());
        assertEquals("abcd", r.bodyText());
        assertArrayEquals("abcd".getBytes(StandardCharsets.US_ASCII), r.bodyBytes());
        assertSame(buffer, r.buffer());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.writeBody(out);
        assertEquals("abcd", out.toString(StandardCharsets.US_ASCII));
        assertEquals("200 OK (4 body bytes)", r.toString());
        assertEquals(4, r.closing().bodyLength());
        HttpResponse typed = HttpResponse.of(200, HttpResponse.TEXT_PLAIN, buffer, 4);
        assertEquals(r, typed);
        assertEquals(HttpResponse.TEXT_PLAIN, typed.header("content-type"));
    }

    @Test
    void equalityLooksAtTheBodyNotAtTheRestOfTheArray() {
        HttpResponse partial = new HttpResponse(200, TEXT, "abcdXY".getBytes(StandardCharsets.US_ASCII), 4, false);
        HttpResponse whole = new HttpResponse(200, TEXT, "abcd".getBytes(StandardCharsets.US_ASCII), false);
        assertEquals(whole, partial);
        assertEquals(whole.hashCode(), partial.hashCode());
        assertNotEquals(whole, new HttpResponse(200, TEXT, "abcdXY".getBytes(StandardCharsets.US_ASCII), 5, false));
    }

    @Test
    void aLengthOutsideTheArrayIsRefused() {
        byte[] three = new byte[3];
        assertThrows(IndexOutOfBoundsException.class, () -> new HttpResponse(200, TEXT, three, 4, false));
        assertThrows(IndexOutOfBoundsException.class, () -> new HttpResponse(200, TEXT, three, -1, false));
    }

    @Test
    void aLargeBodyIsWrittenInSlicesUpToItsLength() throws IOException {
        byte[] buffer = new byte[3 * HttpResponse.WRITE_SLICE + 100];
        java.util.Arrays.fill(buffer, (byte) 'x');
        int length = 2 * HttpResponse.WRITE_SLICE + 7;
        List<Integer> writes = new java.util.ArrayList<>();
        new HttpResponse(200, TEXT, buffer, length, false).writeBody(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                throw new AssertionError("single-byte write");
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.add(len);
            }
        });
        assertEquals(List.of(HttpResponse.WRITE_SLICE, HttpResponse.WRITE_SLICE, 7), writes);
    }
}
