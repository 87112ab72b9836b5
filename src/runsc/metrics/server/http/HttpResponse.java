// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A complete response: the transports add {@code Date}, {@code Content-Length} (the body
 * length, also for {@code HEAD}) and {@code Connection}, and leave the body out for
 * {@code HEAD}.
 *
 * @param status the status code
 * @param headers the header fields set by the router, in order
 * @param buffer an array that holds the body in its first {@code bodyLength} bytes, owned by the
 *     response from now on: neither the router nor the transports modify it, and callers must not
 *     either (a scrape body of several megabytes is shared by every request that coalesced on it,
 *     so copying it in and out would cost a copy per reader)
 * @param bodyLength the number of body bytes; less than the array's length when a scrape hands
 *     over the buffer it wrote into, which spares a copy of the whole body at the peak of the
 *     scrape's memory use
 * @param close true if the connection must be closed after this response
 */
public record HttpResponse(int status, List<Header> headers, byte[] buffer, int bodyLength, boolean close) {
    /** Go's content type for text it sniffs, and for {@code http.Error}. */
    public static final String TEXT_PLAIN = "text/plain; charset=utf-8";
    /** Most bytes handed to the transport's stream in one write; see {@link #writeBody}. */
    public static final int WRITE_SLICE = 64 << 10;

    /** Checks the status and the length and copies the header list; the body is taken over, not copied. */
    public HttpResponse {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("invalid HTTP status " + status + ": must have 3 digits");
        }
        headers = List.copyOf(headers);
        Objects.checkFromIndexSize(0, bodyLength, Objects.requireNonNull(buffer, "buffer").length);
    }

    /**
     * A response whose body is the whole array.
     *
     * @param status the status code
     * @param headers the header fields set by the router, in order
     * @param body the body, taken over as in the canonical constructor
     * @param close true if the connection must be closed after this response
     */
    public HttpResponse(int status, List<Header> headers, byte[] body, boolean close) {
        this(status, headers, body, body.length, close);
    }

    /**
     * Creates a response in the shape of Go's {@code http.Error}: {@code text/plain},
     * {@code X-Content-Type-Options: nosniff}, and the message plus a line feed as the body.
     *
     * @param status the status code
     * @param message the error text, without the final line feed
     * @return the response
     */
    public static HttpResponse error(int status, String message) {
        return new HttpResponse(status, List.of(new Header("Content-Type", TEXT_PLAIN),
                new Header("X-Content-Type-Options", "nosniff")),
                (message + "\n").getBytes(StandardCharsets.UTF_8), false);
    }

    /**
     * Creates a response with a body and its content type.
     *
     * @param status the status code
     * @param contentType the {@code Content-Type} value
     * @param body the body
     * @return the response
     */
    public static HttpResponse of(int status, String contentType, byte[] body) {
        return of(status, contentType, body, body.length);
    }

    /**
     * Creates a response with a body in the first {@code bodyLength} bytes of an array, and its content type.
     *
     * @param status the status code
     * @param contentType the {@code Content-Type} value
     * @param body the array, taken over as in the canonical constructor
     * @param bodyLength the number of body bytes
     * @return the response
     */
    public static HttpResponse of(int status, String contentType, byte[] body, int bodyLength) {
        return new HttpResponse(status, List.of(new Header("Content-Type", contentType)), body, bodyLength, false);
    }

    /**
     * Returns this response with the connection-close flag set.
     *
     * @return a response that ends the connection
     */
    public HttpResponse closing() {
        return new HttpResponse(status, headers, buffer, bodyLength, true);
    }

    /**
     * Returns a copy of the body (for tests and logs; the transports use {@link #writeBody}).
     *
     * @return the first {@code bodyLength} bytes of the buffer
     */
    public byte[] bodyBytes() {
        return Arrays.copyOf(buffer, bodyLength);
    }

    /**
     * Returns the body as UTF-8 text (for tests and logs).
     *
     * @return the body text
     */
    public String bodyText() {
        return new String(buffer, 0, bodyLength, StandardCharsets.UTF_8);
    }

    /**
     * Returns the first value of a header field set by the router.
     *
     * @param name the field name, any case
     * @return the value, or null if absent
     */
    public String header(String name) {
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }

    /**
     * Writes the body to a stream without copying it, in slices of {@link #WRITE_SLICE} bytes: the
     * JDK sends a heap array through a temporary native buffer of the size of each write, and keeps
     * it, so one multi-megabyte write would pin that much native memory per carrier thread (and
     * leave the C heap grown after it is freed).
     *
     * @param out the stream
     * @throws IOException if writing fails
     */
    public void writeBody(OutputStream out) throws IOException {
        for (int off = 0; off < bodyLength; off += WRITE_SLICE) {
            out.write(buffer, off, Math.min(WRITE_SLICE, bodyLength - off));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpResponse r && status == r.status && close == r.close
                && headers.equals(r.headers) && Arrays.equals(buffer, 0, bodyLength, r.buffer, 0, r.bodyLength);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < bodyLength; i++) {
            h = 31 * h + buffer[i];
        }
        return Objects.hash(status, headers, h, close);
    }

    @Override
    public String toString() {
        return status + " " + HttpStatus.reason(status) + " (" + bodyLength + " body bytes)";
    }
}
