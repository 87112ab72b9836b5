// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.unix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import runsc.metrics.server.http.HttpResponse;

class Http11WriterTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Http11Writer writer = new Http11Writer(out);

    /** The written text with the Date value replaced by DATE (checked separately). */
    private String written() {
        String text = out.toString(StandardCharsets.ISO_8859_1);
        return text.replaceAll("Date: [^\r]*\r\n", "Date: DATE\r\n");
    }

    @Test
    void writesStatusHeadersLengthAndBody() throws IOException {
        writer.write(HttpResponse.of(200, "text/plain; charset=utf-8", "runsc-metrics:OK".getBytes(StandardCharsets.UTF_8)),
                true, null);
        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nDate: DATE\r\n"
                + "Content-Length: 16\r\n\r\nrunsc-metrics:OK", written());
    }

    @Test
    void writesHeadAnswerWithLengthButWithoutBody() throws IOException {
        writer.write(HttpResponse.error(404, "path not found"), false, "close");
        assertEquals("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "X-Content-Type-Options: nosniff\r\nDate: DATE\r\nContent-Length: 15\r\nConnection: close\r\n\r\n", written());
    }

    @Test
    void writesProtocolErrorsInGosShape() throws IOException {
        writer.writeError(431, "more than 100 header fields");
        assertEquals("HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Date: DATE\r\nContent-Length: 64\r\nConnection: close\r\n\r\n"
                + "431 Request Header Fields Too Large: more than 100 header fields", written());
    }

    @Test
    void writesContinue() throws IOException {
        writer.writeContinue();
        assertEquals("HTTP/1.1 100 Continue\r\n\r\n", written());
    }

    @Test
    void formatsDateLikeGoWithTwoDigitDay() {
        assertEquals("Sun, 01 Nov 2026 03:04:05 GMT",
                Http11Writer.DATE.format(ZonedDateTime.of(2026, 11, 1, 3, 4, 5, 0, ZoneOffset.UTC)));
    }

    @Test
    void writesCurrentDate() throws IOException {
        writer.write(HttpResponse.of(200, "x", new byte[0]), true, null);
        assertTrue(out.toString(StandardCharsets.ISO_8859_1).matches(
                "(?s).*\r\nDate: [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\r\n.*"));
    }
}
