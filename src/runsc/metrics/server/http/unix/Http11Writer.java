// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.unix;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import runsc.metrics.server.http.Header;
import runsc.metrics.server.http.HttpResponse;
import runsc.metrics.server.http.HttpStatus;

/**
 * Writes HTTP/1.1 responses (RFC 9112 §4, §6) with a {@code Content-Length} framing only: the
 * router hands over whole bodies, so chunked encoding is never needed.
 */
final class Http11Writer {
    /** Go's {@code http.TimeFormat}: RFC 1123 with a two-digit day, always GMT. */
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

    private final OutputStream out;

    Http11Writer(OutputStream out) {
        this.out = out;
    }

    /**
     * Writes a response.
     *
     * @param response the response from the router
     * @param sendBody false for HEAD: the headers, Content-Length included, but no body
     * @param connection the Connection header value ({@code close}, {@code keep-alive}) or null
     * @throws IOException if the peer is gone
     */
    void write(HttpResponse response, boolean sendBody, String connection) throws IOException {
        int status = response.status();
        StringBuilder head = new StringBuilder(256);
        head.append("HTTP/1.1 ").append(status).append(' ').append(HttpStatus.reason(status)).append("\r\n");
        for (Header h : response.headers()) {
            head.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        head.append("Date: ").append(DATE.format(ZonedDateTime.now(ZoneOffset.UTC))).append("\r\n");
        boolean bodyAllowed = status >= 200 && status != 204 && status != 304;
        if (bodyAllowed) {
            head.append("Content-Length: ").append(response.bodyLength()).append("\r\n");
        }
        if (connection != null) {
            head.append("Connection: ").append(connection).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (sendBody && bodyAllowed) {
            response.writeBody(out);
        }
        out.flush();
    }

    /**
     * Writes the interim {@code 100 Continue} a client sending {@code Expect: 100-continue} waits for.
     *
     * @throws IOException if the peer is gone
     */
    void writeContinue() throws IOException {
        out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /**
     * Writes the answer to a request that could not be read, in the shape of Go's server:
     * {@code 400 Bad Request: <reason>} as plain text, then the connection is closed.
     *
     * @param status the status code
     * @param message the reason
     * @throws IOException if the peer is gone
     */
    void writeError(int status, String message) throws IOException {
        String body = status + " " + HttpStatus.reason(status) + ": " + message;
        write(HttpResponse.of(status, HttpResponse.TEXT_PLAIN, body.getBytes(StandardCharsets.UTF_8)), true, "close");
    }
}
