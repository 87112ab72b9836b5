// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds both transports put on a connection. Every phase has a deadline; when it passes, the
 * connection is closed.
 *
 * @param idleTimeout how long a connection may wait for the first byte of its next request
 * @param requestTimeout how long reading one request (head and body) may take once its first byte
 *     arrived; a client trickling bytes is cut off here
 * @param responseTimeout how long handling a request and writing its response may take; also how
 *     long closing the server waits for running requests
 * @param maxConnections how many connections are served at once
 * @param maxBodyBytes the largest request body read; larger gets 413 (the routes need a few hundred
 *     bytes at most)
 */
public record TransportLimits(Duration idleTimeout, Duration requestTimeout, Duration responseTimeout,
                              int maxConnections, int maxBodyBytes) {
    /** Idle time between requests: upstream's Go server falls back to its 60 s read timeout. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** Time to read a request: upstream's {@code ReadTimeout}. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** Time to handle and answer a request: upstream's {@code WriteTimeout} (a scrape takes up to 30 s). */
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    /** Connections served at once. */
    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    /** The largest request body. */
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    /** The defaults above. */
    public static final TransportLimits DEFAULTS = new TransportLimits(DEFAULT_IDLE_TIMEOUT, DEFAULT_REQUEST_TIMEOUT,
            DEFAULT_RESPONSE_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_BODY_BYTES);

    /** Checks the values. */
    public TransportLimits {
        requirePositive(idleTimeout, "idle timeout");
        requirePositive(requestTimeout, "request timeout");
        requirePositive(responseTimeout, "response timeout");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("connection cap must be at least 1, got " + maxConnections);
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("request body limit must not be negative, got " + maxBodyBytes);
        }
    }

    static void requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
    }

    /**
     * Returns these limits with other time limits.
     *
     * @param idle the idle timeout
     * @param request the request timeout
     * @param response the response timeout
     * @return the new limits
     */
    public TransportLimits withTimeouts(Duration idle, Duration request, Duration response) {
        return new TransportLimits(idle, request, response, maxConnections, maxBodyBytes);
    }

    /**
     * Returns these limits with another connection cap.
     *
     * @param connections the connection cap
     * @return the new limits
     */
    public TransportLimits withMaxConnections(int connections) {
        return new TransportLimits(idleTimeout, requestTimeout, responseTimeout, connections, maxBodyBytes);
    }
}
