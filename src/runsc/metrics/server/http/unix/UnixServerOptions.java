// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.unix;

import java.time.Duration;
import java.util.Objects;

/**
 * Time limits and the connection cap of a {@link UnixHttpServer}. Every phase of a connection
 * has a deadline; when it passes, the connection is closed.
 *
 * @param idleTimeout how long a connection may wait for the first byte of its next request
 * @param requestReadTimeout how long reading one request (head and body) may take once its first
 *     byte arrived; a client trickling bytes is cut off here
 * @param writeTimeout how long handling a request and writing its response may take
 * @param maxConnections how many connections are served at once; one more gets 503 and is closed
 */
public record UnixServerOptions(Duration idleTimeout, Duration requestReadTimeout, Duration writeTimeout,
                                int maxConnections) {
    /** Idle time between requests: upstream's Go server falls back to its 60 s read timeout. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** Time to read a request: upstream's {@code ReadTimeout}. */
    public static final Duration DEFAULT_REQUEST_READ_TIMEOUT = Duration.ofSeconds(60);
    /** Time to handle and answer a request: upstream's {@code WriteTimeout} (a scrape takes up to 30 s). */
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(60);
    /** Connections served at once. */
    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    /** The defaults above. */
    public static final UnixServerOptions DEFAULTS = new UnixServerOptions(DEFAULT_IDLE_TIMEOUT,
            DEFAULT_REQUEST_READ_TIMEOUT, DEFAULT_WRITE_TIMEOUT, DEFAULT_MAX_CONNECTIONS);

    /** Checks the values. */
    public UnixServerOptions {
        for (Duration d : new Duration[] {idleTimeout, requestReadTimeout, writeTimeout}) {
            if (Objects.requireNonNull(d, "timeout").isNegative() || d.isZero()) {
                throw new IllegalArgumentException("invalid timeout " + d + ": must be positive");
            }
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("invalid maxConnections " + maxConnections + ": must be at least 1");
        }
    }
}
