// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.unix;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import runsc.metrics.server.http.Header;
import runsc.metrics.server.http.HttpHeaders;

/**
 * Reads HTTP/1.1 requests (RFC 9112) from a byte stream, with every size bounded. It buffers
 * its input itself, so one reader must serve all requests of a connection.
 */
final class Http11Reader {
    /** Longest request line, CRLF excluded; longer gets 414. */
    static final int MAX_REQUEST_LINE_BYTES = 8192;
    /** Most header fields in one request; more gets 431. */
    static final int MAX_HEADER_COUNT = 100;
    /** Largest header section (field lines with their CRLFs); larger gets 431. */
    static final int MAX_HEADER_BYTES = 16 * 1024;

    /**
     * A parsed request line and header section.
     *
     * @param method the method
     * @param target the request target, bytes as ISO-8859-1 characters
     * @param minorVersion 0 for HTTP/1.0, 1 for HTTP/1.1 and later 1.x
     * @param headers the header fields
     */
    record RequestHead(String method, String target, int minorVersion, HttpHeaders headers) {
        /** RFC 9112 §9.3: persistent unless "close"; HTTP/1.0 only with "keep-alive". */
        boolean keepAlive() {
            boolean close = false;
            boolean keep = false;
            for (String v : headers.all("Connection")) {
                for (String option : v.split(",")) {
                    close |= option.strip().equalsIgnoreCase("close");
                    keep |= option.strip().equalsIgnoreCase("keep-alive");
                }
            }
            return !close && (minorVersion >= 1 || keep);
        }
    }

    private final InputStream in;
    private final int maxBodyBytes;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int limit;

    /**
     * Creates a reader.
     *
     * @param in the connection's input
     * @param maxBodyBytes the largest request body; a larger Content-Length gets 413
     */
    Http11Reader(InputStream in, int maxBodyBytes) {
        this.in = in;
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * Waits for the first byte of the next request, skipping the empty lines RFC 9112 §2.2 lets
     * a server ignore before a request line.
     *
     * @return false if the peer closed the connection before sending anything
     * @throws IOException if reading fails or too many empty lines arrive
     */
    boolean awaitRequest() throws IOException {
        int skipped = 0;
        while (true) {
            if (pos == limit && !fill()) {
                return false;
            }
            byte b = buf[pos];
            if (b != '\r' && b != '\n') {
                return true;
            }
            pos++;
            if (++skipped > MAX_REQUEST_LINE_BYTES) {
                throw new Http11Exception(400, "more than " + MAX_REQUEST_LINE_BYTES + " empty lines before the request line");
            }
        }
    }

    /**
     * Reads the request line (RFC 9112 §3) and the header section (§5).
     *
     * @return the request head
     * @throws Http11Exception for a malformed or oversized head
     * @throws IOException if the connection fails or ends early
     */
    RequestHead readHead() throws IOException {
        String line = readLine(MAX_REQUEST_LINE_BYTES, 414, "request line exceeds " + MAX_REQUEST_LINE_BYTES + " bytes");
        int sp1 = line.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || sp2 == sp1 + 1 || line.indexOf(' ', sp2 + 1) >= 0) {
            throw new Http11Exception(400, "malformed request line");
        }
        String method = line.substring(0, sp1);
        String target = line.substring(sp1 + 1, sp2);
        String version = line.substring(sp2 + 1);
        if (!isToken(method)) {
            throw new Http11Exception(400, "malformed request method");
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c == 0x7F) {
                throw new Http11Exception(400, "malformed request target");
            }
        }
        int minor = parseVersion(version);
        return new RequestHead(method, target, minor, readHeaders());
    }

    private static int parseVersion(String v) throws Http11Exception {
        if (v.length() != 8 || !v.startsWith("HTTP/") || v.charAt(6) != '.'
                || !isDigit(v.charAt(5)) || !isDigit(v.charAt(7))) {
            throw new Http11Exception(400, "malformed HTTP version");
        }
        if (v.charAt(5) != '1') {
            throw new Http11Exception(505, "unsupported protocol version " + v);
        }
        return v.charAt(7) - '0';
    }

    private HttpHeaders readHeaders() throws IOException {
        List<Header> headers = new ArrayList<>();
        int bytes = 0;
        while (true) {
            String line = readLine(Math.max(0, MAX_HEADER_BYTES - bytes - 2), 431, "header section exceeds " + MAX_HEADER_BYTES + " bytes");
            bytes += line.length() + 2;
            if (line.isEmpty()) {
                return new HttpHeaders(headers);
            }
            if (headers.size() == MAX_HEADER_COUNT) {
                throw new Http11Exception(431, "more than " + MAX_HEADER_COUNT + " header fields");
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new Http11Exception(400, "obsolete line folding in header section");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw new Http11Exception(400, "malformed header field");
            }
            String value = line.substring(colon + 1).strip();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < 0x20 && c != '\t' || c == 0x7F) {
                    throw new Http11Exception(400, "invalid character in header field value");
                }
            }
            headers.add(new Header(line.substring(0, colon), value));
        }
    }

    /**
     * Reads the body announced by the head: Content-Length bytes, or none. Chunked bodies are
     * refused with 411 (no route needs them; curl and Prometheus send Content-Length).
     *
     * @param head the request head
     * @return the body bytes
     * @throws Http11Exception for a bad or too large Content-Length or any Transfer-Encoding
     * @throws IOException if the connection fails or ends early
     */
    byte[] readBody(RequestHead head) throws IOException {
        int length = contentLength(head);
        byte[] body = new byte[length];
        int n = Math.min(limit - pos, length);
        System.arraycopy(buf, pos, body, 0, n);
        pos += n;
        while (n < length) {
            int r = in.read(body, n, length - n);
            if (r < 0) {
                throw new EOFException("connection closed after " + n + " of " + length + " body bytes");
            }
            n += r;
        }
        return body;
    }

    /**
     * Returns the body length announced by the head, checking its framing.
     *
     * @param head the request head
     * @return the Content-Length, 0 if absent
     * @throws Http11Exception for an invalid, conflicting or too large length, or any Transfer-Encoding
     */
    int contentLength(RequestHead head) throws Http11Exception {
        List<String> te = head.headers().all("Transfer-Encoding");
        if (!te.isEmpty()) {
            if (te.getLast().strip().toLowerCase(Locale.ROOT).endsWith("chunked")) {
                throw new Http11Exception(411, "chunked request bodies are not supported; send Content-Length");
            }
            throw new Http11Exception(501, "unsupported transfer encoding");
        }
        List<String> values = head.headers().all("Content-Length");
        if (values.isEmpty()) {
            return 0;
        }
        String v = values.getFirst();
        for (String other : values) {
            if (!other.equals(v)) {
                throw new Http11Exception(400, "conflicting Content-Length values");
            }
        }
        if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(Http11Reader::isDigit)) {
            throw new Http11Exception(400, "bad Content-Length");
        }
        long length = Long.parseLong(v);
        if (length > maxBodyBytes) {
            throw new Http11Exception(413, "request body of " + length + " bytes exceeds " + maxBodyBytes + " bytes");
        }
        return (int) length;
    }

    /** One line without its CRLF (a bare LF is accepted, RFC 9112 §2.2; a bare CR is not). */
    private String readLine(int max, int status, String tooLong) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            if (pos == limit && !fill()) {
                throw new EOFException("connection closed inside the request head");
            }
            int start = pos;
            while (pos < limit && buf[pos] != '\n') {
                pos++;
            }
            line.append(new String(buf, start, pos - start, StandardCharsets.ISO_8859_1));
            boolean end = pos < limit;
            if (end) {
                pos++;
            }
            int len = line.length() - (end && !line.isEmpty() && line.charAt(line.length() - 1) == '\r' ? 1 : 0);
            if (len > max) {
                throw new Http11Exception(status, tooLong);
            }
            if (end) {
                line.setLength(len);
                if (line.indexOf("\r") >= 0) {
                    throw new Http11Exception(400, "bare CR in request head");
                }
                return line.toString();
            }
        }
    }

    private boolean fill() throws IOException {
        pos = 0;
        limit = 0;
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            return false;
        }
        limit = n;
        return true;
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7F || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }
}
