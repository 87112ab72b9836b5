// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import runsc.metrics.testing.Cleanup;
import runsc.metrics.testing.Daemon;
import runsc.metrics.testing.Proc;
import runsc.metrics.testing.ProcResult;
import runsc.metrics.testing.RuntimeImage;
import runsc.metrics.testing.ScratchDir;
import runsc.metrics.testing.Tools;

/**
 * Real clients (curl, socat, promtool) against {@code runsc-metrics metric-server} on a Unix socket,
 * serving two simulated sandboxes from {@code runsc-metrics simulate --histogram} (with the histogram that only
 * the simulator has).
 */
class SimulatedClientsTest {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static ScratchDir dir;
    private static SimulatedServer sim;

    @BeforeAll
    static void startServer() throws IOException, InterruptedException {
        dir = ScratchDir.create("sc");
        sim = SimulatedServer.start(dir, dir.resolve("m.sock").toString(), 2, "--histogram");
    }

    @AfterAll
    static void stopServer() throws Exception {
        Cleanup.closeAll(sim, dir);
    }

    private static HttpReply get(String target, String... options) throws IOException, InterruptedException {
        Curl.assumeInstalled();
        return Curl.unix(sim.socket(), target, options);
    }

    /** A 200 reply with the exposition content type. */
    private static void assertExpositionHead(HttpReply reply) {
        assertEquals(200, reply.status());
        assertEquals(Optional.of(CONTENT_TYPE), reply.header("Content-Type"));
    }

    /** The body of a 200 exposition reply whose header comment names the simulation's root, then {@code afterRoot}. */
    private String exposition(HttpReply reply, String afterRoot) {
        assertExpositionHead(reply);
        String body = reply.text();
        assertTrue(body.startsWith("# Data for runsc metric server exporting data for sandboxes in root directory "
                + sim.root() + afterRoot), body);
        return body;
    }

    @Test
    void curlOverUnixSocketGetsMetricsOfEverySandbox() throws IOException, InterruptedException {
        String body = exposition(get("/metrics"), "\n# Writing data from 4 snapshots:\n");
        assertTrue(body.endsWith("\n# End of metric data.\n"), body);
        for (String id : List.of("sim-1", "sim-2")) {
            List<Exposition.Sample> own = Exposition.samplesWithLabel(body, "sandbox", id);
            assertTrue(own.stream().anyMatch(s -> s.name().equals("runsc_meta_sandbox_presence") && s.value().equals("1")),
                    id + " has no presence line in " + body);
            assertTrue(own.stream().anyMatch(s -> s.name().equals("runsc_fs_opens")), id + " has no runsc_fs_opens");
        }
    }

    @Test
    void healthcheckAcceptsOnlyTheServersRoot() throws IOException, InterruptedException {
        HttpReply ok = get("/runsc-metrics/healthcheck?root=" + sim.root());
        assertEquals(200, ok.status());
        assertEquals("runsc-metrics:OK", ok.text());

        HttpReply posted = get("/runsc-metrics/healthcheck", "--data-urlencode", "root=" + sim.root());
        assertEquals(200, posted.status());
        assertEquals("runsc-metrics:OK", posted.text());

        HttpReply wrong = get("/runsc-metrics/healthcheck?root=/elsewhere");
        assertEquals(400, wrong.status());
        assertEquals("this metric server is configured to serve root directory: " + sim.root() + "\n", wrong.text());
        assertEquals(Optional.of("text/plain; charset=utf-8"), wrong.header("Content-Type"));
    }

    @Test
    void pidEndpointNamesTheServerProcess() throws IOException, InterruptedException {
        HttpReply reply = get("/runsc-metrics/pid");
        assertEquals(200, reply.status());
        assertEquals(Long.toString(sim.server().pid()), reply.text());
        assertEquals(reply.text(), Files.readString(sim.pidFile()));
    }

    @Test
    void headOnMetricsSendsHeadersWithoutBody() throws IOException, InterruptedException {
        assertExpositionHead(get("/metrics", "--head"));
        // curl --head ends the exchange after the header block, so look at the raw bytes with socat too.
        var socat = Tools.assume("socat", "socat");
        byte[] request = "HEAD /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        ProcResult raw = Proc.runWithInput(List.of(socat.toString(), "-t", "10", "-", "UNIX-CONNECT:" + sim.socket()), request);
        assertEquals(0, raw.exitCode(), raw::describe);
        String response = raw.stdout();
        assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
        assertTrue(response.contains("\r\nContent-Type: " + CONTENT_TYPE + "\r\n"), response);
        assertTrue(response.endsWith("\r\n\r\n") && response.indexOf("\r\n\r\n") == response.length() - 4,
                () -> "bytes after the header block of a HEAD response: " + response);
    }

    @Test
    void unknownPathIsNotFound() throws IOException, InterruptedException {
        HttpReply reply = get("/metrics/");
        assertEquals(404, reply.status());
        assertEquals("path not found\n", reply.text());
    }

    @Test
    void encodedQuestionMarkInPathCarriesTheQuery() throws IOException, InterruptedException {
        // Prometheus turns metrics_path "/metrics?x=y" into "/metrics%3Fx=y"; the server decodes it and
        // throws the request's own query away, as runsc does.
        HttpReply rewritten = get("/metrics%3Frunsc-sandbox-metrics-filter=fs_?runsc-sandbox-metrics-filter=zzz");
        HttpReply direct = get("/metrics?runsc-sandbox-metrics-filter=fs_");
        String body = exposition(rewritten, " (filtered using regular expression: \"fs_\")\n");
        Set<String> names = sandboxMetricNames(body);
        assertFalse(names.isEmpty(), body);
        assertTrue(names.stream().allMatch(n -> n.contains("fs_")), names::toString);
        assertEquals(sandboxMetricNames(direct.text()), names);
    }

    /** Names of the sandboxes' own metrics: not the server's self metrics. */
    private static Set<String> sandboxMetricNames(String body) {
        return Exposition.samples(body).stream()
                .filter(s -> s.label("sandbox") != null && !s.name().startsWith("runsc_meta_"))
                .map(Exposition.Sample::name)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void socatBridgeFromGvisorDocsServesMetricsOverTcp() throws IOException, InterruptedException {
        Curl.assumeInstalled();
        var socat = Tools.assume("socat", "socat");
        int port = Tools.freePort();
        try (Daemon bridge = Daemon.start("socat", List.of(socat.toString(),
                "TCP-LISTEN:" + port + ",bind=127.0.0.1,fork,reuseaddr", "UNIX-CONNECT:" + sim.socket()), dir.path())) {
            String url = "http://127.0.0.1:" + port + "/metrics";
            bridge.awaitReady("socat to accept on port " + port, SimulatedServer.STARTUP,
                    () -> Curl.tryUrl(url).isPresent());
            HttpReply reply = Curl.url(url);
            assertExpositionHead(reply);
            assertFalse(Exposition.samplesWithLabel(reply.text(), "sandbox", "sim-2").isEmpty(), reply.text());
            HttpReply pid = Curl.url("http://127.0.0.1:" + port + "/runsc-metrics/pid");
            assertEquals(Long.toString(sim.server().pid()), pid.text());
        }
    }

    @Test
    void promtoolParsesTheFullMetricsResponse() throws IOException, InterruptedException {
        Promtool.assumeInstalled();
        HttpReply reply = get("/metrics");
        assertEquals(200, reply.status());
        assertTrue(reply.text().contains("_bucket{"), "the simulator's histogram is missing: " + reply.text());
        Promtool.assertParses(reply.body(), "/metrics of two simulated sandboxes");
    }

    @Test
    void promtoolParsesExportMetricsOfSimulatedSandboxButNotUpstreamsWroteLine() throws IOException, InterruptedException {
        Promtool.assumeInstalled();
        ProcResult export = RuntimeImage.run("--root=" + sim.root(), "export-metrics", "sim-1");
        assertEquals(0, export.exitCode(), export::describe);
        Promtool.assertParses(export.output(), "export-metrics sim-1");
        // What upstream prints on stdout (the Wrote line after the exposition) is not a valid file:
        // this is the difference the project makes, and it shows that the check can fail.
        byte[] upstreamStyle = (export.stdout() + export.stderr()).getBytes(StandardCharsets.UTF_8);
        assertTrue(Promtool.parseError(upstreamStyle).isPresent(), "promtool accepted a Wrote line");
    }

    @Test
    void noTimestampsLeavesTwoFieldsPerSampleAndParses() throws IOException, InterruptedException {
        ProcResult export = RuntimeImage.run("--root=" + sim.root(), "export-metrics", "--no-timestamps", "sim-2");
        assertEquals(0, export.exitCode(), export::describe);
        assertNoTimestamps(export.stdout());
    }

    @Test
    void promtoolParsesNoTimestampsOutput() throws IOException, InterruptedException {
        Promtool.assumeInstalled();
        ProcResult export = RuntimeImage.run("--root=" + sim.root(), "export-metrics", "--no-timestamps", "sim-1");
        assertEquals(0, export.exitCode(), export::describe);
        Promtool.assertParses(export.output(), "export-metrics --no-timestamps sim-1");
    }

    /** Every sample line has exactly name-with-labels and value, and there are sample lines. */
    static void assertNoTimestamps(String exposition) {
        List<String> lines = exposition.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertFalse(lines.isEmpty(), exposition);
        for (String line : lines) {
            assertEquals(2, line.split(" ").length, () -> "not two fields: " + line);
            assertTrue(Exposition.parse(line).timestamp().isEmpty(), line);
        }
    }

}
