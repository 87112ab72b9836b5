// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The configuration of one metric server: what the scrape, the routes and the transports read.
 *
 * @param rootText             the {@code --root} directory exactly as given: runsc compares and
 *                             substitutes strings, and the healthcheck compares its {@code root}
 *                             parameter to this text
 * @param address              the {@code --metric-server} value ({@code %RUNTIME_ROOT%} substituted
 *                             once the server starts)
 * @param exporterPrefix       prefix of sandbox metric names; the server's own get it plus {@code meta_}
 * @param maxParallel          how many sandboxes one scrape queries at once
 * @param maxConcurrentScrapes how many {@code /metrics} requests may run at once; one more gets 503
 * @param scrapeDeadline       the whole scrape's deadline, counted from the request's arrival;
 *                             requests that share a scrape wait for it no longer than this, plus a
 *                             little for writing
 * @param minSandboxTimeout    the floor of each sandbox's share of the deadline
 * @param refreshInterval      how often the background loop looks for new sandboxes
 * @param limits               the bounds both transports put on connections
 * @param openMetrics          whether {@code /metrics} answers in OpenMetrics when the request's
 *                             {@code Accept} prefers it ({@code --openmetrics}); off, every request
 *                             gets the text format, byte for byte as without the flag
 * @param tls                  TLS for a TCP address, or empty for plain HTTP
 */
public record ServerConfig(String rootText, String address, String exporterPrefix, int maxParallel,
                           int maxConcurrentScrapes, Duration scrapeDeadline, Duration minSandboxTimeout,
                           Duration refreshInterval, TransportLimits limits, boolean openMetrics,
                           Optional<TlsSettings> tls) {

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
    /** The default cap on concurrent {@code /metrics} requests (each fans out to 8 sandbox queries). */
    public static final int DEFAULT_MAX_CONCURRENT_SCRAPES = 8;
    /** The name infix of the server's own metrics. */
    public static final String META_PREFIX = "meta_";

    /** Validates the values. */
    public ServerConfig {
        Objects.requireNonNull(rootText, "rootText");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(exporterPrefix, "exporterPrefix");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(tls, "tls");
        if (maxParallel < 1 || maxParallel > MAX_PARALLEL_LIMIT) {
            throw new IllegalArgumentException("max parallel queries must be 1 to " + MAX_PARALLEL_LIMIT + ", got " + maxParallel);
        }
        if (maxConcurrentScrapes < 1) {
            throw new IllegalArgumentException("max concurrent scrapes must be at least 1, got " + maxConcurrentScrapes);
        }
        // A zero refresh interval would make the background loop spin; a zero deadline fails every scrape.
        TransportLimits.requirePositive(scrapeDeadline, "scrape deadline");
        TransportLimits.requirePositive(minSandboxTimeout, "minimum sandbox timeout");
        TransportLimits.requirePositive(refreshInterval, "refresh interval");
    }

    /**
     * A configuration with upstream's deadlines and the default caps and transport limits.
     *
     * @param rootText       the root directory as given
     * @param address        the server address as given
     * @param exporterPrefix the metric name prefix
     * @param maxParallel    parallel sandbox queries
     * @return the configuration
     */
    public static ServerConfig of(String rootText, String address, String exporterPrefix, int maxParallel) {
        return new ServerConfig(rootText, address, exporterPrefix, maxParallel, DEFAULT_MAX_CONCURRENT_SCRAPES,
                SCRAPE_DEADLINE, MIN_SANDBOX_TIMEOUT, REFRESH_INTERVAL, TransportLimits.DEFAULTS, false, Optional.empty());
    }

    /** The runsc root directory. */
    public Path root() {
        return Path.of(rootText);
    }

    /** The prefix of the server's own metrics, such as {@code runsc_meta_}. */
    public String metaPrefix() {
        return exporterPrefix + META_PREFIX;
    }

    /**
     * Returns this configuration with another address.
     *
     * @param newAddress the address
     * @return the new configuration
     */
    public ServerConfig withAddress(String newAddress) {
        return new ServerConfig(rootText, newAddress, exporterPrefix, maxParallel, maxConcurrentScrapes, scrapeDeadline,
                minSandboxTimeout, refreshInterval, limits, openMetrics, tls);
    }

    /**
     * Returns this configuration with other scrape deadlines.
     *
     * @param scrape the whole scrape's deadline
     * @param minSandbox the floor of each sandbox's share
     * @return the new configuration
     */
    public ServerConfig withDeadlines(Duration scrape, Duration minSandbox) {
        return new ServerConfig(rootText, address, exporterPrefix, maxParallel, maxConcurrentScrapes, scrape,
                minSandbox, refreshInterval, limits, openMetrics, tls);
    }

    /**
     * Returns this configuration with another background refresh interval.
     *
     * @param interval the interval
     * @return the new configuration
     */
    public ServerConfig withRefreshInterval(Duration interval) {
        return new ServerConfig(rootText, address, exporterPrefix, maxParallel, maxConcurrentScrapes, scrapeDeadline,
                minSandboxTimeout, interval, limits, openMetrics, tls);
    }

    /**
     * Returns this configuration with another cap on concurrent {@code /metrics} requests.
     *
     * @param scrapes the cap
     * @return the new configuration
     */
    public ServerConfig withMaxConcurrentScrapes(int scrapes) {
        return new ServerConfig(rootText, address, exporterPrefix, maxParallel, scrapes, scrapeDeadline,
                minSandboxTimeout, refreshInterval, limits, openMetrics, tls);
    }

    /**
     * Returns this configuration with other transport limits.
     *
     * @param newLimits the limits
     * @return the new configuration
     */
    public ServerConfig withLimits(TransportLimits newLimits) {
        return new ServerConfig(rootText, address, exporterPrefix, maxParallel, maxConcurrentScrapes, scrapeDeadline,
                minSandboxTimeout, refreshInterval, newLimits, openMetrics, tls);
    }

    /**
     * Returns this configuration with OpenMetrics negotiation on or off.
     *
     * @param enabled whether {@code /metrics} may answer in OpenMetrics
     * @return the new configuration
     */
    public ServerConfig withOpenMetrics(boolean enabled) {
        return new ServerConfig(rootText, address, exporterPrefix, maxParallel, maxConcurrentScrapes, scrapeDeadline,
                minSandboxTimeout, refreshInterval, limits, enabled, tls);
    }

    /**
     * Returns this configuration with TLS on its TCP address.
     *
     * @param settings the certificate, key and client-certificate policy, or empty for plain HTTP
     * @return the new configuration
     */
    public ServerConfig withTls(Optional<TlsSettings> settings) {
        return new ServerConfig(rootText, address, exporterPrefix, maxParallel, maxConcurrentScrapes, scrapeDeadline,
                minSandboxTimeout, refreshInterval, limits, openMetrics, settings);
    }
}
