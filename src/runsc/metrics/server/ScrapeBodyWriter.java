// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import runsc.metrics.exposition.ExpositionFormat;
import runsc.metrics.exposition.ExpositionWriter;
import runsc.metrics.exposition.LabeledSnapshot;
import runsc.metrics.exposition.OpenMetricsOptions;
import runsc.metrics.exposition.OpenMetricsWriter;
import runsc.metrics.exposition.PrefixAndLabels;
import runsc.metrics.exposition.WriteOptions;
import runsc.metrics.gotext.GoQuote;
import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.server.http.MetricsQuery;
import runsc.metrics.server.http.MetricsSource;

/**
 * The body of {@code /metrics} (exposition-server-cli.md §4.5): refresh discovery, query every served
 * sandbox, add the server's own metrics, and write it all in one exposition with upstream's comment
 * header, or in OpenMetrics when the request negotiated it. Sandbox snapshots are listed in sandbox ID
 * order, so the lines of each family are too.
 */
final class ScrapeBodyWriter implements MetricsSource {
    private final ServerConfig config;
    private final SandboxDiscovery discovery;
    private final Scraper scraper;
    private final Clock clock;
    private final ZoneId zone;
    private final long startNanos;
    private final double startSeconds;

    ScrapeBodyWriter(ServerConfig config, SandboxDiscovery discovery, Scraper scraper, Clock clock,
                    long startNanos, Instant startTime) {
        this.config = config;
        this.discovery = discovery;
        this.scraper = scraper;
        this.clock = clock;
        this.zone = clock.getZone();
        this.startNanos = startNanos;
        this.startSeconds = startTime.getEpochSecond() + startTime.getNano() / 1e9;
    }

    @Override
    public void writeMetrics(MetricsQuery query, OutputStream out) throws IOException {
        long deadline = query.receivedNanos() + config.scrapeDeadline().toNanos();
        List<ServedSandbox> sandboxes = discovery.refresh();
        RequestFilters filters = RequestFilters.match(query, sandboxes, deadline);
        Instant selfTime = clock.instant();
        long selfMono = System.nanoTime() - startNanos;
        List<SandboxResult> results;
        try {
            results = scraper.scrape(sandboxes, filters.metrics(), deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("scrape interrupted");
        }
        List<LabeledSnapshot> snapshots = new ArrayList<>(results.size() + 2);
        snapshots.add(new LabeledSnapshot(
                SelfMetrics.selfSnapshot(results, discovery.numSandboxesTotal(), filters.capabilities(), selfTime, zone, selfMono),
                new PrefixAndLabels(config.metaPrefix(), Map.of())));
        for (SandboxResult r : results) {
            if (r instanceof SandboxResult.Ok ok) {
                snapshots.add(new LabeledSnapshot(ok.snapshot(),
                        new PrefixAndLabels(config.exporterPrefix(), r.sandbox().identityLabels())));
            }
        }
        snapshots.add(new LabeledSnapshot(
                SelfMetrics.processSnapshot(startSeconds, clock.instant(), zone, System.nanoTime() - startNanos),
                new PrefixAndLabels("", Map.of())));
        if (query.format() == ExpositionFormat.OPENMETRICS) {
            String trailer = scraper.readsResourceUsage() ? resourceUsage(results, true) : "";
            new OpenMetricsWriter().write(out, new OpenMetricsOptions(true, units()), snapshots, trailer);
            return;
        }
        String header = "Data for runsc metric server exporting data for sandboxes in root directory " + config.rootText()
                + query.metricsFilter().map(f -> " (filtered using regular expression: " + GoQuote.quote(f.source()) + ")").orElse("");
        String trailer = scraper.readsResourceUsage() ? resourceUsage(results, false) : "";
        new ExpositionWriter().write(out, new WriteOptions(header, true), snapshots, trailer);
    }

    /**
     * The OpenMetrics units of the server's own families that measure in a base unit. gVisor's
     * metrics get none: their registration names no unit, and their names are not a promise.
     */
    private Map<String, String> units() {
        return Map.of(config.metaPrefix() + SelfMetrics.CREATION_TIME.name(), "seconds",
                SelfMetrics.PROCESS_START_TIME.name(), "seconds");
    }

    /**
     * With {@code --resource-stats}: the series of {@link StatsWriter}, and the count of sandboxes
     * whose stats calls failed (running ones with a verified snapshot), written before the end marker.
     */
    private String resourceUsage(List<SandboxResult> results, boolean openMetrics) {
        List<StatsWriter.SandboxStats> stats = new ArrayList<>(results.size());
        int broken = 0;
        for (SandboxResult r : results) {
            if (r instanceof SandboxResult.Ok(_, _, boolean running, var usage) && usage.isPresent()) {
                stats.add(usage.get().stats());
                broken += usage.get().broken() && running ? 1 : 0;
            }
        }
        StringBuilder text = new StringBuilder();
        if (openMetrics) {
            // OpenMetrics has no comment lines but its metadata, and no blank lines.
            StatsWriter.brokenStats(config.metaPrefix(), broken, text, true);
            StatsWriter.write(config.exporterPrefix(), stats, text, true);
            return text.toString();
        }
        StatsWriter.blockHeader(text);
        StatsWriter.brokenStats(config.metaPrefix(), broken, text);
        StatsWriter.write(config.exporterPrefix(), stats, text);
        return StatsWriter.trailer(text);
    }
}
