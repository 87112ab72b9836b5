// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import java.util.Objects;

/**
 * What the routes need to know about the server.
 *
 * @param rootDir the {@code --root} directory exactly as given; the healthcheck compares its
 *     {@code root} parameter to this string
 * @param pid the process id served by {@code /runsc-metrics/pid}
 * @param maxInFlightMetrics how many {@code /metrics} requests may run at once; one more gets 503
 */
public record ServerSettings(String rootDir, long pid, int maxInFlightMetrics) {
    /** The default cap on concurrent {@code /metrics} requests (each fans out to 8 sandbox workers). */
    public static final int DEFAULT_MAX_IN_FLIGHT_METRICS = 8;

    /** Checks the values. */
    public ServerSettings {
        Objects.requireNonNull(rootDir, "rootDir");
        if (maxInFlightMetrics < 1) {
            throw new IllegalArgumentException("invalid maxInFlightMetrics " + maxInFlightMetrics + ": must be at least 1");
        }
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
