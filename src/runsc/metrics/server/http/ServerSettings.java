// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import java.time.Duration;
import java.util.Objects;

/**
 * What the routes need to know about the server.
 *
 * @param rootDir the {@code --root} directory exactly as given; the healthcheck compares its
 *     {@code root} parameter to this string
 * @param pid the process id served by {@code /runsc-metrics/pid}
 * @param maxInFlightMetrics how many {@code /metrics} requests may run at once; one more gets 503
 * @param scrapeDeadline how long a scrape may take from the arrival of its request (upstream: 30 s);
 *     requests that share a scrape wait for it no longer than this, plus a little for writing
 */
public record ServerSettings(String rootDir, long pid, int maxInFlightMetrics, Duration scrapeDeadline) {
    /** The default cap on concurrent {@code /metrics} requests (each fans out to 8 sandbox workers). */
    public static final int DEFAULT_MAX_IN_FLIGHT_METRICS = 8;
    /** Upstream's scrape deadline. */
    public static final Duration DEFAULT_SCRAPE_DEADLINE = Duration.ofSeconds(30);

    /** Checks the values. */
    public ServerSettings {
        Objects.requireNonNull(rootDir, "rootDir");
        if (maxInFlightMetrics < 1) {
            throw new IllegalArgumentException("invalid maxInFlightMetrics " + maxInFlightMetrics + ": must be at least 1");
        }
        if (scrapeDeadline.isNegative() || scrapeDeadline.isZero()) {
            throw new IllegalArgumentException("invalid scrapeDeadline " + scrapeDeadline + ": must be positive");
        }
    }

    /**
     * Creates settings with upstream's scrape deadline.
     *
     * @param rootDir the {@code --root} directory exactly as given
     * @param pid the process id
     * @param maxInFlightMetrics how many {@code /metrics} requests may run at once
     */
    public ServerSettings(String rootDir, long pid, int maxInFlightMetrics) {
        this(rootDir, pid, maxInFlightMetrics, DEFAULT_SCRAPE_DEADLINE);
    }

    /**
     * Creates settings with the default cap on concurrent {@code /metrics} requests.
     *
     * @param rootDir the {@code --root} directory exactly as given
     * @param pid the process id
     * @return the settings
     */
    public static ServerSettings of(String rootDir, long pid) {
        return new ServerSettings(rootDir, pid, DEFAULT_MAX_IN_FLIGHT_METRICS);
    }
}
