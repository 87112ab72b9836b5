// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one metric server.
 *
 * @param root             the runsc root directory
 * @param rootText         the root exactly as the user gave it: runsc compares and substitutes strings
 * @param address          the {@code --metric-server} value with {@code %RUNTIME_ROOT%} substituted
 * @param exporterPrefix   prefix of sandbox metric names; the server's own get it plus {@code meta_}
 * @param maxParallel      how many sandboxes one scrape queries at once
 * @param scrapeDeadline   the whole scrape's deadline, counted from the request's arrival
 * @param minSandboxTimeout the floor of each sandbox's share of the deadline
 * @param refreshInterval  how often the background loop looks for new sandboxes
 */
public record ServerConfig(Path root, String rootText, String address, String exporterPrefix, int maxParallel,
                           Duration scrapeDeadline, Duration minSandboxTimeout, Duration refreshInterval) {

    /** Upstream's overall deadline of one {@code /metrics} request. */
    public static final Duration SCRAPE_DEADLINE = Duration.ofSeconds(30);
    /** Upstream's floor for each sandbox's timeout: max(8 s, time left / sandboxes). */
    public static final Duration MIN_SANDBOX_TIMEOUT = Duration.ofSeconds(8);
    /** Upstream's background refresh period. */
    public static final Duration REFRESH_INTERVAL = Duration.ofSeconds(20);
    /** Upstream's number of parallel sandbox queries. */
    public static final int DEFAULT_MAX_PARALLEL = 8;
    /** The most sandboxes one scrape may query at once: each query holds a socket and a thread. */
    public static final int MAX_PARALLEL_LIMIT = 1024;
    /** The name infix of the server's own metrics. */
    public static final String META_PREFIX = "meta_";

    /** Validates the values. */
    public ServerConfig {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(rootText, "rootText");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(exporterPrefix, "exporterPrefix");
        if (maxParallel < 1 || maxParallel > MAX_PARALLEL_LIMIT) {
            throw new IllegalArgumentException("max parallel queries must be 1 to " + MAX_PARALLEL_LIMIT + ", got " + maxParallel);
        }
        // A zero refresh interval would make the background loop spin; a zero deadline fails every scrape.
        requirePositive(scrapeDeadline, "scrape deadline");
        requirePositive(minSandboxTimeout, "minimum sandbox timeout");
        requirePositive(refreshInterval, "refresh interval");
    }

    private static void requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
    }

    /**
     * Settings with upstream's deadlines.
     *
     * @param rootText       the root directory as given
     * @param address        the substituted server address
     * @param exporterPrefix the metric name prefix
     * @param maxParallel    parallel sandbox queries
     * @return the settings
     */
    public static ServerConfig of(String rootText, String address, String exporterPrefix, int maxParallel) {
        return new ServerConfig(Path.of(rootText), rootText, address, exporterPrefix, maxParallel, SCRAPE_DEADLINE,
                MIN_SANDBOX_TIMEOUT, REFRESH_INTERVAL);
    }

    /** The prefix of the server's own metrics, such as {@code runsc_meta_}. */
    public String metaPrefix() {
        return exporterPrefix + META_PREFIX;
    }
}
