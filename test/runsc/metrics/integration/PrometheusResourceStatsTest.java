// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static runsc.metrics.integration.PrometheusServer.samples;
import static runsc.metrics.integration.PrometheusServer.value;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import runsc.metrics.json.JsonObject;
import runsc.metrics.server.StatsWriter;
import runsc.metrics.sim.SandboxOptions;
import runsc.metrics.sim.Simulation;
import runsc.metrics.testing.Daemon;
import runsc.metrics.testing.RuntimeImage;
import runsc.metrics.testing.ScratchDir;
import runsc.metrics.testing.Tools;

/**
 * A real Prometheus server ingests {@code metric-server --resource-stats} (the built image) over two
 * simulated sandboxes in this JVM, which answer {@code containerManager.Event} as gVisor 20240729
 * does, {@code sim-2} with the limits, highest use, fail count and page cache it leaves at 0 (so
 * every family is written): every resource series of a plain scrape, with its {@code container}
 * or {@code interface} label, is in Prometheus's query API with our value, and
 * {@code scrape_samples_scraped} is our sample count. The simulated counters grow and the memory
 * gauge wanders, so Prometheus's value comes from a scrape between two of ours: a counter lies
 * between our two readings, the memory gauge within the simulator's range, every other gauge
 * equals ours. promtool lints the body and finds nothing in the resource series (it does find
 * upstream's names, which are not ours to change).
 */
class PrometheusResourceStatsTest {
    private static final String PREFIX = "runsc_";
    private static final String BROKEN_STATS = "runsc_meta_" + StatsWriter.BROKEN_STATS;
    private static final String MEMORY = "runsc_container_memory_usage_bytes";
    /** The simulator's memory range (SimEventStats): 2 to 18 MiB, whole 4 KiB pages. */
    private static final long MIN_MEMORY = 2L << 20;
    private static final long MAX_MEMORY = 18L << 20;
    /** Prometheus's labels of the target, not the exposition's. */
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance");
    /** Every resource series and the broken-stats count, as one PromQL selector. */
    private static final String SELECTOR = "{job=\"runsc\",__name__=~\"" + PREFIX + "(container|sandbox_network)_.*|"
            + BROKEN_STATS + "\"}";

    @Test
    void prometheusIngestsEveryResourceSeriesWithOurValues() throws IOException, InterruptedException {
        Tools.assume("prometheus", "prometheus");
        Curl.assumeInstalled();
        try (ScratchDir dir = ScratchDir.create("pr")) {
            Path root = dir.resolve("root");
            String address = "127.0.0.1:" + Tools.freePort();
            Path pidFile = dir.resolve("server.pid");
            try (Simulation sandboxes = Simulation.start(root, List.of(
                         SandboxOptions.of("sim-1", address).withPod("web-1", "prod"),
                         SandboxOptions.of("sim-2", address).withPod("web-2", "prod").withStatsLimits()));
                 Daemon metricServer = Daemon.start("metric-server", RuntimeImage.command("--root=" + root,
                         "--metric-server=" + address, "metric-server", "--resource-stats", "--pid-file=" + pidFile),
                         dir.path());
                 PrometheusServer server = PrometheusServer.start(dir, """
                           - job_name: runsc
                             static_configs:
                               - targets: ['%s']
                         """.formatted(address))) {
                metricServer.awaitFile(pidFile, SimulatedServer.STARTUP);
                check(server, "http://" + address + "/metrics", sandboxes.sandboxes().size());
            }
        }
    }

    private static void check(PrometheusServer server, String url, int sandboxes) throws IOException, InterruptedException {
        server.awaitReady("the CPU series of every sandbox",
                () -> server.query(PREFIX + "container_cpu_usage_seconds_total").size() == sandboxes);
        // As in PrometheusScrapeTest: a scrape of ours and Prometheus's latest agree once the
        // sandboxes have settled.
        server.awaitReady("scrape_samples_scraped equal to the samples of a plain scrape",
                () -> List.of(Long.toString(samples(Curl.url(url))))
                        .equals(server.query("scrape_samples_scraped{job=\"runsc\"}").stream()
                                .map(PrometheusServer::value).toList()));

        Map<String, String> before = resourceSeries(Curl.url(url).text());
        // A scrape that started after ours had ended (Prometheus may move a scrape's timestamp by
        // a few ms to align it, hence the margin): its readings are no older than ours.
        double ours = System.currentTimeMillis() / 1000.0 + 0.05;
        server.awaitReady("a scrape of Prometheus's after ours", () -> server.query("timestamp(up{job=\"runsc\"})")
                .stream().anyMatch(r -> Double.parseDouble(value(r)) >= ours));
        Map<String, String> ingested = server.query(SELECTOR).stream()
                .collect(Collectors.toMap(PrometheusResourceStatsTest::series, PrometheusServer::value));
        HttpReply last = Curl.url(url);
        Map<String, String> after = resourceSeries(last.text());

        assertEquals(before.keySet(), after.keySet(), "the same series in both of our scrapes");
        assertEquals(new TreeSet<>(before.keySet()), new TreeSet<>(ingested.keySet()),
                "Prometheus has every resource series of ours, with the same labels, and no other");
        assertEquals(expectedNames(), names(before.keySet()), "every family StatsWriter writes");
        for (String series : before.keySet()) {
            String name = series.substring(0, series.indexOf('{'));
            if (name.equals(BROKEN_STATS)) {
                assertEquals(BROKEN_STATS + "{}", series);
            } else {
                String label = name.startsWith(PREFIX + "sandbox_network_") ? "interface=\"lo\""
                        : onlyNonZero(name) ? "container=\"sim-2\"" : "container=\"sim-";
                assertTrue(series.contains(label) && series.contains("namespace_name=\"prod\""), series);
            }
            double low = Double.parseDouble(before.get(series));
            double theirs = Double.parseDouble(ingested.get(series));
            double high = Double.parseDouble(after.get(series));
            if (name.endsWith("_total")) {
                assertTrue(low <= theirs && theirs <= high,
                        series + ": Prometheus has " + theirs + ", not between ours, " + low + " and " + high);
            } else if (name.equals(MEMORY)) {
                assertTrue(theirs >= MIN_MEMORY && theirs < MAX_MEMORY && theirs % 4096 == 0,
                        series + ": Prometheus has " + theirs + ", outside what the simulator sends");
            } else {
                assertTrue(low == theirs && theirs == high,
                        series + ": Prometheus has " + theirs + ", ours are " + low + " and " + high);
            }
        }

        List<String> findings = Promtool.lintFindings(last.text().getBytes(StandardCharsets.UTF_8));
        Set<String> ourNames = new HashSet<>(names(before.keySet()));
        assertEquals(List.of(), findings.stream().filter(f -> ourNames.contains(f.split(" ", 2)[0])).toList(),
                "promtool's findings in the resource series");
        assertTrue(server.isAlive(), server::describe);
    }

    /** Every family StatsWriter writes, and the broken-stats count. */
    private static Set<String> expectedNames() {
        Set<String> names = new TreeSet<>();
        names.add(BROKEN_STATS);
        StatsWriter.familyNames().forEach(f -> names.add(PREFIX + f));
        return names;
    }

    /** The families written only when non-zero, which only {@code sim-2}'s replies fill in. */
    private static boolean onlyNonZero(String name) {
        return name.contains("_limit_") || name.contains("_max_") || name.contains("_cache_") || name.contains("_failcnt_");
    }

    private static Set<String> names(Set<String> series) {
        return series.stream().map(s -> s.substring(0, s.indexOf('{'))).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The resource series of a body, by series (name and sorted labels), with their values. */
    private static Map<String, String> resourceSeries(String body) {
        Set<String> names = new HashSet<>();
        StatsWriter.familyNames().forEach(f -> names.add(PREFIX + f));
        names.add(BROKEN_STATS);
        return Exposition.samples(body).stream().filter(s -> names.contains(s.name()))
                .collect(Collectors.toMap(s -> series(s.name(), s.labels()), Exposition.Sample::value));
    }

    /** One result of Prometheus as a series of ours: its name and labels, without the target's. */
    private static String series(JsonObject result) {
        Map<String, String> labels = new TreeMap<>(PrometheusServer.labels(result));
        String name = labels.remove("__name__");
        labels.keySet().removeAll(TARGET_LABELS);
        return series(name, labels);
    }

    private static String series(String name, Map<String, String> labels) {
        return name + new TreeMap<>(labels).entrySet().stream().map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
                .collect(Collectors.joining(",", "{", "}"));
    }
}
