// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import runsc.metrics.testing.Proc;
import runsc.metrics.testing.ProcResult;
import runsc.metrics.testing.ScratchDir;
import runsc.metrics.testing.Tools;

/**
 * {@code metric-server --openmetrics} on both transports, read by two OpenMetrics parsers written by
 * others: the one of Debian's python3-prometheus-client, and a real Prometheus (Debian's 2.42, which
 * asks for OpenMetrics 1.0.0 first on every scrape). Simulated sandboxes with a histogram, and
 * {@code --resource-stats}, so that the server's own series and the resource series are covered.
 */
class OpenMetricsScrapeTest {
    /** What Debian's Prometheus 2.42 sends (captured from a scrape). */
    static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
            + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    static final String OPENMETRICS_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    static final String TEXT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** How long two scrapes may take to agree on their counts while the sandboxes settle. */
    static final Duration SETTLE = Duration.ofSeconds(20);
    static final List<String> SERVER_FLAGS = List.of("--openmetrics", "--resource-stats");

    /**
     * Prints one line per family: name, type, unit (or -), sample count, and the sorted distinct
     * sample names. The parser raises on anything OpenMetrics does not allow.
     */
    private static final String PARSE = """
            import sys
            from prometheus_client.openmetrics.parser import text_string_to_metric_families
            for f in text_string_to_metric_families(sys.stdin.read()):
                names = ",".join(sorted({s.name for s in f.samples}))
                print(f.name, f.type, f.unit or "-", len(f.samples), names)
            """;

    /** One family as the Python parser read it. */
    record Family(String type, String unit, int samples, List<String> sampleNames) {}

    @Test
    void tcpServesOpenMetricsThatPythonsParserReads() throws Exception {
        Path python = assumePythonParser();
        Curl.assumeInstalled();
        try (ScratchDir dir = ScratchDir.create("omt");
             SimulatedServer sim = SimulatedServer.start(dir, "127.0.0.1:" + Tools.freePort(), 2, SERVER_FLAGS, "--histogram")) {
            String url = "http://" + sim.address() + "/metrics";
            checkBothFormats(python, options -> Curl.url(url, options));
        }
    }

    @Test
    void unixSocketServesOpenMetricsThatPythonsParserReads() throws Exception {
        Path python = assumePythonParser();
        Curl.assumeInstalled();
        try (ScratchDir dir = ScratchDir.create("omu");
             SimulatedServer sim = SimulatedServer.start(dir, dir.resolve("m.sock").toString(), 2, SERVER_FLAGS, "--histogram")) {
            checkBothFormats(python, options -> Curl.unix(sim.socket(), "/metrics", options));
        }
    }

    @Test
    void withoutTheFlagPrometheusAcceptGetsTheTextFormat() throws Exception {
        Curl.assumeInstalled();
        try (ScratchDir dir = ScratchDir.create("omo");
             SimulatedServer sim = SimulatedServer.start(dir, dir.resolve("m.sock").toString(), 1, "--histogram")) {
            HttpReply r = Curl.unix(sim.socket(), "/metrics", "-H", "Accept: " + PROMETHEUS_ACCEPT);
            assertEquals(Optional.of(TEXT_TYPE), r.header("Content-Type"));
            assertEquals(Optional.empty(), r.header("Vary"));
            assertTrue(r.text().startsWith("# Data for runsc metric server") && r.text().endsWith("\n# End of metric data.\n"),
                    r.text());
            assertTrue(r.text().contains("\nrunsc_fs_opens{"), r.text());
        }
    }

    @Test
    void prometheusNegotiatesOpenMetricsAndIngestsEverySample() throws Exception {
        Tools.assume("prometheus", "prometheus");
        Curl.assumeInstalled();
        try (ScratchDir dir = ScratchDir.create("omp");
             SimulatedServer sim = SimulatedServer.start(dir, "127.0.0.1:" + Tools.freePort(), 2, SERVER_FLAGS, "--histogram");
             PrometheusServer server = PrometheusServer.start(dir, """
                       - job_name: runsc
                         static_configs:
                           - targets: ['%s']
                     """.formatted(sim.address()))) {
            String url = "http://" + sim.address() + "/metrics";
            server.awaitReady("up == 1", () -> server.values("up").equals(List.of("1")));
            // Counted on a text-format scrape (curl sends no Accept): the same samples, as the man page says.
            server.awaitReady("scrape_samples_scraped equal to the samples of a text-format scrape",
                    () -> List.of(Long.toString(PrometheusServer.samples(Curl.url(url))))
                            .equals(server.values("scrape_samples_scraped{job=\"runsc\"}")));
            // Counters are renamed with _total, le is a canonical float; the rest keeps its names.
            server.awaitReady("runsc_fs_opens_total of both sandboxes", () -> server.query("runsc_fs_opens_total").size() == 2);
            assertEquals(List.of(), server.query("runsc_fs_opens"));
            assertEquals(2, server.query("runsc_fs_read_latency_nanoseconds_bucket{le=\"1e+06\"}").size());
            assertEquals(2, server.query("runsc_fs_read_latency_nanoseconds_min").size());
            assertEquals(List.of("2"), server.values("runsc_meta_num_sandboxes_total"));
            assertEquals(2, server.query("runsc_meta_sandbox_presence").size());
            assertFalse(server.query("runsc_container_cpu_usage_seconds_total").isEmpty());
            assertFalse(server.query("process_start_time_seconds{job=\"runsc\"}").isEmpty());
            assertTrue(server.daemon().isAlive(), server.daemon()::describe);
        }
    }

    /** A request with extra curl options before the URL. */
    @FunctionalInterface
    private interface Fetch {
        HttpReply get(String... options) throws IOException, InterruptedException;
    }

    /**
     * Asks as Prometheus does and without {@code Accept}; checks the headers and the OpenMetrics
     * rules of the body, then has Python parse it until its sample count equals the text format's
     * (the two scrapes are a moment apart, so counts may differ while the sandboxes settle).
     */
    private static void checkBothFormats(Path python, Fetch fetch) throws Exception {
        HttpReply text = fetch.get();
        assertEquals(Optional.of(TEXT_TYPE), text.header("Content-Type"));
        assertEquals(Optional.of("Accept"), text.header("Vary"));
        assertTrue(text.text().endsWith("\n# End of metric data.\n"), text.text());

        HttpReply om = fetch.get("-H", "Accept: " + PROMETHEUS_ACCEPT);
        assertEquals(Optional.of(OPENMETRICS_TYPE), om.header("Content-Type"));
        assertEquals(Optional.of("Accept"), om.header("Vary"));
        String body = om.text();
        assertTrue(body.endsWith("\n# EOF\n"), body);
        for (String line : body.lines().toList()) {
            assertFalse(line.isEmpty(), "a blank line");
            assertTrue(!line.startsWith("#") || line.startsWith("# HELP ") || line.startsWith("# TYPE ")
                    || line.startsWith("# UNIT ") || line.equals("# EOF"), line);
        }
        HttpReply gzip = fetch.get("-H", "Accept: " + PROMETHEUS_ACCEPT, "--compressed");
        assertEquals(Optional.of("gzip"), gzip.header("Content-Encoding"));
        assertEquals(Optional.of(OPENMETRICS_TYPE), gzip.header("Content-Type"));
        assertTrue(gzip.text().endsWith("\n# EOF\n"), gzip.text());

        Map<String, Family> families = parse(python, body);
        Family opens = families.get("runsc_fs_opens");
        assertEquals(new Family("counter", "-", 2, List.of("runsc_fs_opens_total")), opens);
        assertEquals("histogram", families.get("runsc_fs_read_latency_nanoseconds").type());
        assertEquals("gauge", families.get("runsc_fs_read_latency_nanoseconds_ssd").type());
        assertEquals(List.of("runsc_meta_num_sandboxes_total"), families.get("runsc_meta_num_sandboxes").sampleNames());
        assertEquals("seconds", families.get("process_start_time_seconds").unit());
        assertEquals("seconds", families.get("runsc_meta_sandbox_creation_time_seconds").unit());
        assertEquals(new Family("counter", "seconds", 2, List.of("runsc_container_cpu_usage_seconds_total")),
                families.get("runsc_container_cpu_usage_seconds"));
        assertEquals("gauge", families.get("runsc_meta_num_sandboxes_broken_stats").type());

        Tools.await(SETTLE, "OpenMetrics and text scrapes with the same samples and families", () -> {
            HttpReply t = fetch.get();
            Map<String, Family> parsed = parse(python, fetch.get("-H", "Accept: " + PROMETHEUS_ACCEPT).text());
            long textFamilies = t.text().lines().filter(l -> l.startsWith("# TYPE ")).count();
            long histograms = t.text().lines().filter(l -> l.startsWith("# TYPE ") && l.endsWith(" histogram")).count();
            return PrometheusServer.samples(t) == parsed.values().stream().mapToInt(Family::samples).sum()
                    && textFamilies + 3 * histograms == parsed.size();
        });
    }

    /** The families Python's OpenMetrics parser reads from {@code body}, by name; fails if it refuses it. */
    private static Map<String, Family> parse(Path python, String body) throws IOException {
        ProcResult r = Proc.runWithInput(List.of(python.toString(), "-c", PARSE), body.getBytes(StandardCharsets.UTF_8));
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + body);
        Map<String, Family> families = new TreeMap<>();
        for (String line : r.stdout().lines().toList()) {
            String[] f = line.split(" ");
            List<String> names = f.length > 4 ? List.of(f[4].split(",")) : List.of();
            assertEquals(null, families.put(f[0], new Family(f[1], f[2], Integer.parseInt(f[3]), names)), "family twice: " + f[0]);
        }
        return families;
    }

    /**
     * The python3 that imports prometheus_client's OpenMetrics parser (PATH first, then Debian's
     * own interpreter, where the Debian package installs the module); skips the test without one.
     */
    static Path assumePythonParser() throws IOException {
        List<Path> candidates = new ArrayList<>();
        Tools.find("python3").ifPresent(candidates::add);
        candidates.add(Path.of("/usr/bin/python3"));
        for (Path p : candidates) {
            if (p.toFile().canExecute() && Proc.run(List.of(p.toString(), "-c",
                    "import prometheus_client.openmetrics.parser")).exitCode() == 0) {
                return p;
            }
        }
        Assumptions.abort("python3 with the prometheus_client module not found (Debian package "
                + "python3-prometheus-client; `make ci-deps` as root installs it)");
        throw new AssertionError("not reached");
    }
}
