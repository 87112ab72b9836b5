// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.io.TempDir;
import runsc.metrics.regex.MatchBudget;
import runsc.metrics.regex.Re2Pattern;
import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.server.http.MetricsQuery;

/**
 * The server's own metrics (exposition-server-cli.md §4.6, §4.7) and the whole {@code /metrics}
 * body, over sandboxes made from the real 2024 state file and scripted queries, with a fixed clock.
 */
class SelfMetricsTest {
    private static final String ADDRESS = "/x/metrics.sock";
    private static final Instant NOW = Instant.parse("2026-11-25T03:40:28.154996056Z");
    private static final Instant START = Instant.parse("2026-11-25T03:40:17.613395Z");
    private static final String RESTORED = "\"checkpointed\":true,\"restored\":true,\"cpuTimeSaved\":1500000000,"
            + "\"wallTimeSaved\":2500999999,";

    /** The spec's table (§4.6): name, TYPE, HELP, in the table's order. */
    private static final List<List<String>> TABLE = List.of(
            List.of("sandbox_presence", "gauge", "Boolean metric set to 1 for each known sandbox."),
            List.of("sandbox_running", "gauge", "Boolean metric set to 1 for each running sandbox."),
            List.of("sandbox_checkpointed", "gauge", "Boolean metric set to 1 for each checkpointed sandbox."),
            List.of("sandbox_restored", "gauge", "Boolean metric set to 1 for each restored sandbox."),
            List.of("sandbox_cpu_time_saved_milliseconds", "gauge", "CPU time saved for each restored sandbox (in milliseconds)."),
            List.of("sandbox_wall_time_saved_milliseconds", "gauge", "Wall time saved for each restored sandbox (in milliseconds)."),
            List.of("sandbox_metadata", "gauge", "Key-value pairs about per-sandbox metadata."),
            List.of("sandbox_capabilities", "gauge", "Linux capabilities added within containers of the sandbox."),
            List.of("spec_metadata", "gauge", "Key-value pairs about OCI spec metadata."),
            List.of("sandbox_creation_time_seconds", "gauge", "When the sandbox was created, as a unix timestamp in seconds."),
            List.of("metric_server_presence", "gauge", "Boolean metric always set to 1 for the metric server process."),
            List.of("num_sandboxes_running", "gauge", "Number of sandboxes running at present."),
            List.of("num_sandboxes_broken_metrics", "gauge", "Number of sandboxes from which we cannot export metrics."),
            List.of("num_sandboxes_total", "counter", "Counter of sandboxes that have ever been started."),
            List.of("num_sandboxes_checkpointed", "counter", "Counter of sandboxes that have been checkpointed."),
            List.of("num_sandboxes_restored", "counter", "Counter of sandboxes that have been restored."));

    private final List<String> log = new CopyOnWriteArrayList<>();
    @TempDir
    Path root;
    private ServerConfig config;
    private SandboxDiscovery discovery;

    @BeforeEach
    void setUp() throws IOException {
        config = ServerTestSupport.fastConfig(root, ADDRESS, 8);
        discovery = new SandboxDiscovery(config, Clock.fixed(NOW, ZoneOffset.UTC), log::add);
    }

    /** sb1 answers, sb2 (restored) fails while alive, sb3 failed while dead (its result says so). */
    private List<SandboxResult> threeOutcomes() throws IOException {
        ServerTestSupport.writeRealSandbox(root, "sb1", "web-0", ADDRESS, "");
        ServerTestSupport.writeRealSandbox(root, "sb2", "web-1", ADDRESS, RESTORED);
        ServerTestSupport.writeRealSandbox(root, "sb3", "web-2", ADDRESS, "");
        List<ServedSandbox> served = discovery.refresh();
        assertEquals(3, served.size(), log::toString);
        return List.of(
                new SandboxResult.Ok(served.get(0), ServerTestSupport.validSnapshot(served.get(0).loaded(), 10), true),
                new SandboxResult.Failed(served.get(1), new IOException("sandbox sb2: broken"), true),
                new SandboxResult.Failed(served.get(2), new IOException("sandbox sb3: gone"), false));
    }

    private String selfText(List<SandboxResult> results, Optional<Re2Pattern> capabilityFilter) throws IOException {
        var snapshot = SelfMetrics.selfSnapshot(results, discovery.numSandboxesTotal(),
                RequestFilters.capabilities(capabilityFilter, MatchBudget.of(Duration.ofSeconds(5))), NOW, ZoneOffset.UTC, 0);
        var out = new ByteArrayOutputStream();
        new runsc.metrics.exposition.ExpositionWriter().write(out, new runsc.metrics.exposition.WriteOptions("t", false),
                List.of(new runsc.metrics.exposition.LabeledSnapshot(snapshot,
                        new runsc.metrics.exposition.PrefixAndLabels(config.metaPrefix(), java.util.Map.of()))));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static List<String> sandboxesOf(String text, String name) {
        return ServerTestSupport.lines(text, "runsc_meta_" + name).stream()
                .map(l -> ServerTestSupport.label(l, "sandbox").orElse("") + "=" + l.substring(l.lastIndexOf(' ') + 1))
                .toList();
    }

    @Test
    void hasUpstreamNamesHelpAndTypes() throws IOException {
        String text = selfText(threeOutcomes(), Optional.empty());
        for (List<String> row : TABLE) {
            String name = "runsc_meta_" + row.get(0);
            assertTrue(text.contains("\n# HELP " + name + " " + row.get(2) + "\n# TYPE " + name + " " + row.get(1) + "\n"),
                    () -> name + " in\n" + text);
        }
        long families = text.lines().filter(l -> l.startsWith("# TYPE ")).count();
        assertEquals(TABLE.size(), families);
    }

    @Test
    void followsTheEmissionMatrix() throws IOException {
        String text = selfText(threeOutcomes(), Optional.empty());
        // Always: the six presence rows, running = liveness after the query.
        assertEquals(List.of("sb1=1", "sb2=1", "sb3=1"), sandboxesOf(text, "sandbox_presence"));
        assertEquals(List.of("sb1=1", "sb2=1", "sb3=0"), sandboxesOf(text, "sandbox_running"));
        assertEquals(List.of("sb1=0", "sb2=1", "sb3=0"), sandboxesOf(text, "sandbox_checkpointed"));
        assertEquals(List.of("sb1=0", "sb2=1", "sb3=0"), sandboxesOf(text, "sandbox_restored"));
        assertEquals(List.of("sb1=0", "sb2=1500", "sb3=0"), sandboxesOf(text, "sandbox_cpu_time_saved_milliseconds"));
        assertEquals(List.of("sb1=0", "sb2=2500", "sb3=0"), sandboxesOf(text, "sandbox_wall_time_saved_milliseconds"));
        // Only with a verified snapshot.
        assertEquals(List.of("sb1=1"), sandboxesOf(text, "sandbox_metadata"));
        assertEquals(List.of("sb1=1", "sb1=1", "sb1=1"), sandboxesOf(text, "sandbox_capabilities"));
        assertEquals(List.of("sb1=1"), sandboxesOf(text, "spec_metadata"));
        assertEquals(List.of("sb1=1795577689.899888"), sandboxesOf(text, "sandbox_creation_time_seconds"));
        // Broken = failed and running; the dead one is not broken.
        assertEquals(List.of("runsc_meta_num_sandboxes_broken_metrics 1"), ServerTestSupport.lines(text, "runsc_meta_num_sandboxes_broken_metrics"));
        assertEquals(List.of("runsc_meta_num_sandboxes_running 2"), ServerTestSupport.lines(text, "runsc_meta_num_sandboxes_running"));
        assertEquals(List.of("runsc_meta_num_sandboxes_total 3"), ServerTestSupport.lines(text, "runsc_meta_num_sandboxes_total"));
        assertEquals(List.of("runsc_meta_num_sandboxes_checkpointed 1"), ServerTestSupport.lines(text, "runsc_meta_num_sandboxes_checkpointed"));
        assertEquals(List.of("runsc_meta_num_sandboxes_restored 1"), ServerTestSupport.lines(text, "runsc_meta_num_sandboxes_restored"));
        assertEquals(List.of("runsc_meta_metric_server_presence 1"), ServerTestSupport.lines(text, "runsc_meta_metric_server_presence"));
    }

    @Test
    void labelsEachSandboxRowWithItsIdentityAndMetadata() throws IOException {
        String text = selfText(threeOutcomes(), Optional.empty());
        String identity = "iteration=\"" + runsc.metrics.runtime.SandboxLabels.iteration("sb1",
                Instant.parse("2026-11-25T03:34:49.899887494Z")) + "\",namespace_name=\"prod\",pod_name=\"web-0\",sandbox=\"sb1\"";
        assertEquals("3mn9hmjm16dyk", ServerTestSupport.label(ServerTestSupport.lines(text, "runsc_meta_sandbox_presence").get(0),
                "iteration").orElseThrow(), "the spec's real example (§4.7)");
        assertEquals(List.of("runsc_meta_sandbox_metadata{coretags=\"false\",cpuarch=\"amd64\",experiment=\"\",fsmode=\"directfs\","
                + "go=\"go1.26.2\"," + identity.replace(",pod_name", ",network=\"none\",numcores=\"2\",overlay=\"root:self\","
                + "platform=\"systrap\",pod_name").replace("sandbox=\"sb1\"", "sandbox=\"sb1\",version=\"0.0~20240729.0\"") + "} 1"),
                ServerTestSupport.lines(text, "runsc_meta_sandbox_metadata"));
        assertEquals(List.of("runsc_meta_spec_metadata{hasuid0=\"true\"," + identity.replace(",pod_name",
                ",nvproxy=\"false\",ociversion=\"1.0.0\",pod_name") + ",tpuproxy=\"false\"} 1"),
                ServerTestSupport.lines(text, "runsc_meta_spec_metadata"));
    }

    private List<String> capabilities(String filter) throws IOException {
        String text = selfText(threeOutcomes(), filter == null ? Optional.empty() : Optional.of(Re2Pattern.compile(filter)));
        return ServerTestSupport.lines(text, "runsc_meta_sandbox_capabilities").stream()
                .map(l -> ServerTestSupport.label(l, "capability").orElseThrow()).toList();
    }

    @Test
    void keepsCapabilitiesWhoseNameWithOrWithoutCapPrefixMatches() throws IOException {
        // Capability-number order: KILL (5), NET_BIND_SERVICE (10), AUDIT_WRITE (29).
        assertEquals(List.of("KILL", "NET_BIND_SERVICE", "AUDIT_WRITE"), capabilities(null));
        assertEquals(List.of("KILL"), capabilities("KILL"));
        assertEquals(List.of("NET_BIND_SERVICE"), capabilities("^NET_"));
        assertEquals(List.of("NET_BIND_SERVICE"), capabilities("^CAP_NET_"));
        assertEquals(List.of("AUDIT_WRITE"), capabilities("CAP_A"));
        assertEquals(List.of("KILL", "NET_BIND_SERVICE", "AUDIT_WRITE"), capabilities("^CAP_"));
        assertEquals(List.of(), capabilities("^SYS_"));
    }

    @Test
    void theCapabilityFilterTouchesNoOtherMetric() throws IOException {
        String all = selfText(threeOutcomes(), Optional.empty());
        String none = selfText(threeOutcomes(), Optional.of(Re2Pattern.compile("^NOTHING$")));
        assertEquals(3, ServerTestSupport.lines(all, "runsc_meta_sandbox_capabilities").size());
        assertEquals(0, ServerTestSupport.lines(none, "runsc_meta_sandbox_capabilities").size());
        assertEquals(others(all), others(none));
    }

    private static List<String> others(String text) {
        return text.lines().filter(l -> !l.isEmpty() && !l.contains("sandbox_capabilities") && !l.startsWith("# Writing")).toList();
    }

    private ScrapeBodyWriter endpoint(SandboxQuery query) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return new ScrapeBodyWriter(config, discovery, new Scraper(config, query, log::add), clock, System.nanoTime(), START);
    }

    private String scrape(ScrapeBodyWriter endpoint, Optional<Re2Pattern> filter) throws IOException {
        var out = new ByteArrayOutputStream();
        endpoint.writeMetrics(new MetricsQuery(filter, Optional.empty(), System.nanoTime()), out);
        return out.toString(StandardCharsets.UTF_8).replaceAll("m=\\+\\d+\\.\\d{9}", "m=+MONO");
    }

    /** sb1 answers with fs_opens 10 taken 61 ms before the server's clock; sb2 fails while alive. */
    private String goldenScrape(Optional<Re2Pattern> filter) throws IOException {
        ServerTestSupport.writeRealSandbox(root, "sb1", "web-0", ADDRESS, "");
        ServerTestSupport.writeRealSandbox(root, "sb2", "", ADDRESS, "");
        return scrape(endpoint((s, f, d) -> {
            if (s.sandbox().id().equals("sb2")) {
                throw new IOException("sandbox sb2: connection refused");
            }
            var snapshot = ServerTestSupport.validSnapshot(s, 10);
            return new runsc.metrics.exposition.Snapshot(NOW.minusMillis(61), snapshot.data());
        }), filter);
    }

    @Test
    void writesTheWholeBodyByteForByte() throws IOException {
        String expected = """
                # Data for runsc metric server exporting data for sandboxes in root directory ROOT
                # Writing data from 3 snapshots:
                #   - Snapshot with 24 data points taken at 2026-11-25 03:40:28.154996056 +0000 UTC m=+MONO: map[]
                #   - Snapshot with 1 data points taken at 2026-11-25 03:40:28.093996056 +0000 UTC: map[iteration:3mn9hmjm16dyk namespace_name:prod pod_name:web-0 sandbox:sb1]
                #   - Snapshot with 1 data points taken at 2026-11-25 03:40:28.154996056 +0000 UTC m=+MONO: map[]


                # HELP process_start_time_seconds Start time of the process since unix epoch in seconds.
                # TYPE process_start_time_seconds gauge
                process_start_time_seconds 1795578017.613395 1795578028154

                # HELP runsc_meta_metric_server_presence Boolean metric always set to 1 for the metric server process.
                # TYPE runsc_meta_metric_server_presence gauge
                runsc_meta_metric_server_presence 1 1795578028154

                # HELP runsc_meta_num_sandboxes_broken_metrics Number of sandboxes from which we cannot export metrics.
                # TYPE runsc_meta_num_sandboxes_broken_metrics gauge
                runsc_meta_num_sandboxes_broken_metrics 1 1795578028154

                # HELP runsc_meta_num_sandboxes_checkpointed Counter of sandboxes that have been checkpointed.
                # TYPE runsc_meta_num_sandboxes_checkpointed counter
                runsc_meta_num_sandboxes_checkpointed 0 1795578028154

                # HELP runsc_meta_num_sandboxes_restored Counter of sandboxes that have been restored.
                # TYPE runsc_meta_num_sandboxes_restored counter
                runsc_meta_num_sandboxes_restored 0 1795578028154

                # HELP runsc_meta_num_sandboxes_running Number of sandboxes running at present.
                # TYPE runsc_meta_num_sandboxes_running gauge
                runsc_meta_num_sandboxes_running 2 1795578028154

                # HELP runsc_meta_num_sandboxes_total Counter of sandboxes that have ever been started.
                # TYPE runsc_meta_num_sandboxes_total counter
                runsc_meta_num_sandboxes_total 2 1795578028154

                # HELP runsc_meta_sandbox_capabilities Linux capabilities added within containers of the sandbox.
                # TYPE runsc_meta_sandbox_capabilities gauge
                runsc_meta_sandbox_capabilities{capability="KILL",iteration="3mn9hmjm16dyk",namespace_name="prod",pod_name="web-0",sandbox="sb1"} 1 1795578028154
                runsc_meta_sandbox_capabilities{capability="NET_BIND_SERVICE",iteration="3mn9hmjm16dyk",namespace_name="prod",pod_name="web-0",sandbox="sb1"} 1 1795578028154
                runsc_meta_sandbox_capabilities{capability="AUDIT_WRITE",iteration="3mn9hmjm16dyk",namespace_name="prod",pod_name="web-0",sandbox="sb1"} 1 1795578028154

                # HELP runsc_meta_sandbox_checkpointed Boolean metric set to 1 for each checkpointed sandbox.
                # TYPE runsc_meta_sandbox_checkpointed gauge
                runsc_meta_sandbox_checkpointed{iteration="3mn9hmjm16dyk",namespace_name="prod",pod_name="web-0",sandbox="sb1"} 0 1795578028154
                runsc_meta_sandbox_checkpointed{iteration="32c52v9z7su2q",namespace_name="prod",sandbox="sb2"} 0 1795578028154

                # HELP runsc_meta_sandbox_cpu_time_saved_milliseconds CPU time saved for each restored sandbox (in milliseconds).
                # TYPE runsc_meta_sandbox_cpu_time_saved_milliseconds gauge
                runsc_meta_sandbox_cpu_time_saved_milliseconds{iteration="3mn9hmjm16dyk",namespace_name="prod",pod_name="web-0",sandbox="sb1"} 0 1795578028154
                runsc_meta_sandbox_cpu_time_saved_milliseconds{iteration="32c52v9z7su2q",namespace_name="prod",sandbox="sb2"} 0 1795578028154

                # HELP runsc_meta_sandbox_creation_time_seconds When the sandbox was created, as a unix timestamp in seconds.
                # TYPE runsc_meta_sandbox_creation_time_seconds gauge
                runsc_meta_sandbox_creation_time_seconds{iteration="3mn9hmjm16dyk",namespace_name="prod",pod_name="web-0",sandbox="sb1"} 1795577689.899888 1795578028154

                # HELP runsc_meta_sandbox_metadata Key-value pairs about per-sandbox metadata.
                # TYPE runsc_meta_sandbox_metadata gauge
                runsc_meta_sandbox_metadata{coretags="false",cpuarch="amd64",experiment="",fsmode="directfs",go="go1.26.2",iteration="3mn9hmjm16dyk",namespace_name="prod",network="none",numcores="2",overlay="root:self",platform="systrap",pod_name="web-0",sandbox="sb1",version="0.0~20240729.0"} 1 1795578028154

                # HELP runsc_meta_sandbox_presence Boolean metric set to 1 for each known sandbox.
                # TYPE runsc_meta_sandbox_presence gauge
                runsc_meta_sandbox_presence{iteration="3mn9hmjm16dyk",namespace_name="prod",pod_name="web-0",sandbox="sb1"} 1 1795578028154
                runsc_meta_sandbox_presence{iteration="32c52v9z7su2q",namespace_name="prod",sandbox="sb2"} 1 1795578028154

                # HELP runsc_meta_sandbox_restored Boolean metric set to 1 for each restored sandbox.
                # TYPE runsc_meta_sandbox_restored gauge
                runsc_meta_sandbox_restored{iteration="3mn9hmjm16dyk",namespace_name="prod",pod_name="web-0",sandbox="sb1"} 0 1795578028154
                runsc_meta_sandbox_restored{iteration="32c52v9z7su2q",namespace_name="prod",sandbox="sb2"} 0 1795578028154

                # HELP runsc_meta_sandbox_running Boolean metric set to 1 for each running sandbox.
                # TYPE runsc_meta_sandbox_running gauge
                runsc_meta_sandbox_running{iteration="3mn9hmjm16dyk",namespace_name="prod",pod_name="web-0",sandbox="sb1"} 1 1795578028154
                runsc_meta_sandbox_running{iteration="32c52v9z7su2q",namespace_name="prod",sandbox="sb2"} 1 1795578028154

                # HELP runsc_meta_sandbox_wall_time_saved_milliseconds Wall time saved for each restored sandbox (in milliseconds).
                # TYPE runsc_meta_sandbox_wall_time_saved_milliseconds gauge
                runsc_meta_sandbox_wall_time_saved_milliseconds{iteration="3mn9hmjm16dyk",namespace_name="prod",pod_name="web-0",sandbox="sb1"} 0 1795578028154
                runsc_meta_sandbox_wall_time_saved_milliseconds{iteration="32c52v9z7su2q",namespace_name="prod",sandbox="sb2"} 0 1795578028154

                # HELP runsc_meta_spec_metadata Key-value pairs about OCI spec metadata.
                # TYPE runsc_meta_spec_metadata gauge
                runsc_meta_spec_metadata{hasuid0="true",iteration="3mn9hmjm16dyk",namespace_name="prod",nvproxy="false",ociversion="1.0.0",pod_name="web-0",sandbox="sb1",tpuproxy="false"} 1 1795578028154

                # HELP runsc_netstack_tcp_listen_overflow_invalid_syn_cookie_rcvd Number of times an invalid SYN cookie was received.
                # TYPE runsc_netstack_tcp_listen_overflow_invalid_syn_cookie_rcvd counter
                runsc_netstack_tcp_listen_overflow_invalid_syn_cookie_rcvd{iteration="3mn9hmjm16dyk",namespace_name="prod",pod_name="web-0",sandbox="sb1"} 10 1795578028093

                # End of metric data.
                """.replace("ROOT", root.toString());
        String actual = goldenScrape(Optional.empty());
        assertEquals(expected, actual);
    }

    @Test
    void listsTheLinesOfEachFamilyInSandboxIdOrder() throws IOException {
        for (String id : List.of("sb2", "sb10", "sb1", "a")) {
            ServerTestSupport.writeRealSandbox(root, id, "pod-" + id, ADDRESS, "");
        }
        ScrapeBodyWriter endpoint = endpoint((s, f, d) -> {
            var snapshot = ServerTestSupport.validSnapshot(s, 10);
            return new runsc.metrics.exposition.Snapshot(NOW.minusMillis(5), snapshot.data());
        });
        for (int i = 0; i < 3; i++) {
            String body = scrape(endpoint, Optional.empty());
            ServerTestSupport.assertParses(body);
            List<String> families = body.lines().filter(l -> l.startsWith("# TYPE ")).map(l -> l.split(" ")[2]).toList();
            assertEquals(18, families.size(), body);
            for (String family : families) {
                List<String> order = ServerTestSupport.lines(body, family).stream()
                        .map(l -> ServerTestSupport.label(l, "sandbox").orElse("")).distinct().toList();
                if (!order.equals(List.of(""))) {
                    assertEquals(List.of("a", "sb1", "sb10", "sb2"), order, family);
                }
            }
        }
    }

    @Test
    void namesTheMetricsFilterInTheHeaderButNotTheCapabilityFilter() throws IOException {
        String body = goldenScrape(Optional.of(Re2Pattern.compile("^fs_\\w+\"")));
        assertTrue(body.startsWith("# Data for runsc metric server exporting data for sandboxes in root directory " + root
                + " (filtered using regular expression: \"^fs_\\\\w+\\\"\")\n# Writing data from 3 snapshots:\n"), body);
    }
}
