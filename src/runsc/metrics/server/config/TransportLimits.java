// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds both transports put on a connection. Every phase has a deadline; when it passes, the
 * connection is closed.
 *
 * <p>The header deadline is short and the idle one long on purpose: a connection costs a slot from
 * the moment it is accepted, so one that has not sent its request head within a few seconds is
 * holding a slot, not asking for anything, while a client that has been answered may keep its
 * connection for the next scrape.
 *
 * @param idleTimeout how long a connection that has been answered may wait for the first byte of
 *     its next request
 * @param headerTimeout how long a request head (request line and header fields) may take: from
 *     the accept for a connection's first request, from its first byte for later ones
 * @param requestTimeout how long reading a request body may take
 * @param responseTimeout how long handling a request and writing its response may take; also how
 *     long closing the server waits for running requests
 * @param maxConnections how many connections are served at once
 * @param maxConnectionsPerUser how many of them one peer user other than root may hold (where the
 *     transport knows the peer's user: the Unix socket, through {@code SO_PEERCRED}); other users
 *     together may hold all but a quarter of {@code maxConnections}, which stays for root
 * @param maxBodyBytes the largest request body read; larger gets 413 (the routes need a few hundred
 *     bytes at most)
 */
public record TransportLimits(Duration idleTimeout, Duration headerTimeout, Duration requestTimeout,
                              Duration responseTimeout, int maxConnections, int maxConnectionsPerUser,
                              int maxBodyBytes) {
    /** Idle time between requests: upstream's Go server falls back to its 60 s read timeout. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** Time to send a request head: curl and Prometheus send theirs in one write. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(5);
    /** Time to read a request body: upstream's {@code ReadTimeout}. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** Time to handle and answer a request: upstream's {@code WriteTimeout} (a scrape takes up to 30 s). */
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    /** Connections served at once. */
    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    /** Connections one user other than root may hold: a quarter of the cap. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_USER = 16;
    /** The largest request body. */
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    /** The defaults above. */
    public static final TransportLimits DEFAULTS = new TransportLimits(DEFAULT_IDLE_TIMEOUT, DEFAULT_HEADER_TIMEOUT,
            DEFAULT_REQUEST_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_USER,
            DEFAULT_MAX_BODY_BYTES);

    /** Checks the values. */
    public TransportLimits {
        requirePositive(idleTimeout, "idle timeout");
        requirePositive(headerTimeout, "header timeout");
        requirePositive(requestTimeout, "request timeout");
        requirePositive(responseTimeout, "response timeout");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("connection cap must be at least 1, got " + maxConnections);
        }
        if (maxConnectionsPerUser < 1 || maxConnectionsPerUser > maxConnections) {
            throw new IllegalArgumentException("connection cap per user must be 1 to " + maxConnections + ", got "
                    + maxConnectionsPerUser);
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("request body limit must not be negative, got " + maxBodyBytes);
        }
    }

    /**
     * The connections root always has room for: users other than root together may hold no more
     * than {@code maxConnections} minus this.
     *
     * @return a quarter of the cap, rounded down
     */
    public int reservedForRoot() {
        return maxConnections / 4;
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
     * @param header the header timeout
     * @param request the request body timeout
     * @param response the response timeout
     * @return the new limits
     */
    public TransportLimits withTimeouts(Duration idle, Duration header, Duration request, Duration response) {
        return new TransportLimits(idle, header, request, response, maxConnections, maxConnectionsPerUser, maxBodyBytes);
    }

    /**
     * Returns these limits with another connection cap; the cap per user shrinks to it if larger.
     *
     * @param connections the connection cap
     * @return the new limits
     */
    public TransportLimits withMaxConnections(int connections) {
        return new TransportLimits(idleTimeout, headerTimeout, requestTimeout, responseTimeout, connections,
                Math.min(maxConnectionsPerUser, Math.max(1, connections)), maxBodyBytes);
    }

    /**
     * Returns these limits with another cap per user.
     *
     * @param perUser the cap per user other than root
     * @return the new limits
     */
    public TransportLimits withMaxConnectionsPerUser(int perUser) {
        return new TransportLimits(idleTimeout, headerTimeout, requestTimeout, responseTimeout, maxConnections, perUser,
                maxBodyBytes);
    }
}
