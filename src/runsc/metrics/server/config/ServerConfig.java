// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

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
        return with(c -> c.address = newAddress);
    }

    /**
     * Returns this configuration with other scrape deadlines.
     *
     * @param scrape the whole scrape's deadline
     * @param minSandbox the floor of each sandbox's share
     * @return the new configuration
     */
    public ServerConfig withDeadlines(Duration scrape, Duration minSandbox) {
        return with(c -> {
            c.scrapeDeadline = scrape;
            c.minSandboxTimeout = minSandbox;
        });
    }

    /**
     * Returns this configuration with another background refresh interval.
     *
     * @param interval the interval
     * @return the new configuration
     */
    public ServerConfig withRefreshInterval(Duration interval) {
        return with(c -> c.refreshInterval = interval);
    }

    /**
     * Returns this configuration with another cap on concurrent {@code /metrics} requests.
     *
     * @param scrapes the cap
     * @return the new configuration
     */
    public ServerConfig withMaxConcurrentScrapes(int scrapes) {
        return with(c -> c.maxConcurrentScrapes = scrapes);
    }

    /**
     * Returns this configuration with other transport limits.
     *
     * @param newLimits the limits
     * @return the new configuration
     */
    public ServerConfig withLimits(TransportLimits newLimits) {
        return with(c -> c.limits = newLimits);
    }

    /**
     * Returns this configuration with OpenMetrics negotiation on or off.
     *
     * @param enabled whether {@code /metrics} may answer in OpenMetrics
     * @return the new configuration
     */
    public ServerConfig withOpenMetrics(boolean enabled) {
        return with(c -> c.openMetrics = enabled);
    }

    /**
     * Returns this configuration with TLS on its TCP address.
     *
     * @param settings the certificate, key and client-certificate policy, or empty for plain HTTP
     * @return the new configuration
     */
    public ServerConfig withTls(Optional<TlsSettings> settings) {
        return with(c -> c.tls = settings);
    }

    /** {@return a copy of this configuration, changed by {@code change} and validated again} */
    private ServerConfig with(Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return c.build();
    }

    /**
     * A changeable copy of the components, so that each wither names the ones it changes instead of
     * passing all eleven in order (where two {@link Duration}s could trade places unnoticed).
     */
    private static final class Copy {
        private final String rootText;
        private String address;
        private final String exporterPrefix;
        private final int maxParallel;
        private int maxConcurrentScrapes;
        private Duration scrapeDeadline;
        private Duration minSandboxTimeout;
        private Duration refreshInterval;
        private TransportLimits limits;
        private boolean openMetrics;
        private Optional<TlsSettings> tls;

        private Copy(ServerConfig c) {
            rootText = c.rootText;
            address = c.address;
            exporterPrefix = c.exporterPrefix;
            maxParallel = c.maxParallel;
            maxConcurrentScrapes = c.maxConcurrentScrapes;
            scrapeDeadline = c.scrapeDeadline;
            minSandboxTimeout = c.minSandboxTimeout;
            refreshInterval = c.refreshInterval;
            limits = c.limits;
            openMetrics = c.openMetrics;
            tls = c.tls;
        }

        private ServerConfig build() {
            return new ServerConfig(rootText, address, exporterPrefix, maxParallel, maxConcurrentScrapes,
                    scrapeDeadline, minSandboxTimeout, refreshInterval, limits, openMetrics, tls);
        }
    }
}
