// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import java.util.Arrays;
import java.util.Objects;

/**
 * A request as a transport received it, before any decoding.
 *
 * @param method the method, case-sensitive as sent ({@code GET}, {@code HEAD}, ...)
 * @param target the request target as sent: origin form {@code /p?q}, absolute form or {@code *}
 * @param rawPath the path part of the target, still percent-encoded
 * @param rawQuery the part after the first {@code ?}, still encoded; empty if none
 * @param headers the header fields
 * @param body the body bytes (copied on the way in and out)
 * @param client who sent it, as the transport knows: the peer's address over TCP
 *     ({@code 192.0.2.7}), {@code user NAME} over the Unix socket; empty if unknown
 */
public record HttpRequest(String method, String target, String rawPath, String rawQuery,
                          HttpHeaders headers, byte[] body, String client) {
    /** Checks for nulls and copies the body. */
    public HttpRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(rawPath, "rawPath");
        Objects.requireNonNull(rawQuery, "rawQuery");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(client, "client");
        body = body.clone();
    }

    /**
     * Creates a request, splitting the target into path and query the way Go's
     * {@code url.ParseRequestURI} does (no fragment handling: {@code #} stays in the path).
     *
     * @param method the method
     * @param target the request target as sent
     * @param headers the header fields
     * @param body the body bytes
     * @return the request
     */
    public static HttpRequest of(String method, String target, HttpHeaders headers, byte[] body) {
        return of(method, target, headers, body, "");
    }

    /**
     * Creates a request from a known client (see {@link #of(String, String, HttpHeaders, byte[])}).
     *
     * @param method the method
     * @param target the request target as sent
     * @param headers the header fields
     * @param body the body bytes
     * @param client who sent it (see {@link #client()}); empty if unknown
     * @return the request
     */
    public static HttpRequest of(String method, String target, HttpHeaders headers, byte[] body, String client) {
        String rest = target;
        int q = rest.indexOf('?');
        String rawQuery = q < 0 ? "" : rest.substring(q + 1);
        String beforeQuery = q < 0 ? rest : rest.substring(0, q);
        String path = beforeQuery;
        int scheme = beforeQuery.indexOf("://");
        if (scheme > 0 && beforeQuery.charAt(0) != '/') {
            int slash = beforeQuery.indexOf('/', scheme + 3);
            path = slash < 0 ? "" : beforeQuery.substring(slash);
        }
        return new HttpRequest(method, target, path, rawQuery, headers, body, client);
    }

    /**
     * Returns a copy of the body.
     *
     * @return the body bytes
     */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /**
     * Returns the body length without copying it.
     *
     * @return the number of body bytes
     */
    public int bodyLength() {
        return body.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpRequest r && method.equals(r.method) && target.equals(r.target)
                && rawPath.equals(r.rawPath) && rawQuery.equals(r.rawQuery)
                && headers.equals(r.headers) && Arrays.equals(body, r.body) && client.equals(r.client);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, target, headers, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return method + " " + target + " (" + body.length + " body bytes)";
    }
}
