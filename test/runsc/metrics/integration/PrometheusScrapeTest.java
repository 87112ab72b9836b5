// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import runsc.metrics.json.Json;
import runsc.metrics.json.JsonArray;
import runsc.metrics.json.JsonException;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;
import runsc.metrics.testing.ScratchDir;
import runsc.metrics.testing.TestCertificates;
import runsc.metrics.testing.Tools;

/**
 * A real Prometheus server (Debian's 2.42) scrapes {@code runsc-metrics metric-server} on TCP every
 * second: once plainly and once through a {@code metrics_path} with a query, which Prometheus sends
 * as {@code /metrics%3F...}. Its query API then shows what it ingested. Prometheus asks for gzip on
 * every scrape, so this is also the gzip check against a real client.
 */
class PrometheusScrapeTest {
    /** How long Prometheus gets to start, scrape and answer (it scrapes every second). */
    static final Duration INGEST_DEADLINE = Duration.ofSeconds(40);

    @Test
    void prometheusScrapesTheServerAndSeesEverySandbox() throws IOException, InterruptedException {
        Path prometheus = Tools.assume("prometheus", "prometheus");
        Curl.assumeInstalled();
        try (ScratchDir dir = ScratchDir.create("ps");
             SimulatedServer sim = SimulatedServer.start(dir, "127.0.0.1:" + Tools.freePort(), 2)) {
            Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                    scrape_configs:
                      - job_name: runsc
                        static_configs:
                          - targets: ['%1$s']
                      - job_name: filtered
                        metrics_path: /metrics?runsc-sandbox-metrics-filter=fs_opens
                        static_configs:
                          - targets: ['%1$s']
                    """.formatted(sim.address()));
            int apiPort = Tools.freePort();
            String api = "http://127.0.0.1:" + apiPort + "/api/v1/query?query=";
            try (Daemon server = Daemon.start("prometheus", List.of(prometheus.toString(),
                    "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + apiPort, "--log.level=warn"), dir.path())) {
                server.awaitReady("up == 1 for both jobs", INGEST_DEADLINE,
                        () -> query(api, "up").size() == 2 && query(api, "up").stream().allMatch(r -> value(r).equals("1")));
                server.awaitReady("presence series of both sandboxes", INGEST_DEADLINE,
                        () -> query(api, "runsc_meta_sandbox_presence{job=\"runsc\"}").size() == 2);

                List<JsonObject> presence = query(api, "runsc_meta_sandbox_presence{job=\"runsc\"}");
                assertEquals(List.of("sim-1", "sim-2"), presence.stream().map(r -> label(r, "sandbox")).sorted().toList());
                assertTrue(presence.stream().allMatch(r -> value(r).equals("1")), presence::toString);
                assertEquals(List.of("1"), query(api, "runsc_meta_metric_server_presence").stream()
                        .map(PrometheusScrapeTest::value).distinct().toList());
                assertFalse(query(api, "process_start_time_seconds{job=\"runsc\"}").isEmpty());

                // Prometheus asks for gzip on every scrape: it ingests every sample of a plain
                // scrape, and curl asking as it does gets gzip too, and the raw ^ of a filter.
                // The count can differ between two scrapes a second apart while the sandboxes settle
                // (a series present in one and not yet in the other), so the two are compared until
                // a scrape of ours and Prometheus's latest agree, within the ingest deadline.
                server.awaitReady("scrape_samples_scraped equal to the samples of a plain scrape", INGEST_DEADLINE,
                        () -> List.of(Long.toString(samples(Curl.url("http://" + sim.address() + "/metrics"))))
                                .equals(query(api, "scrape_samples_scraped{job=\"runsc\"}").stream()
                                        .map(PrometheusScrapeTest::value).toList()));
                HttpReply plain = Curl.url("http://" + sim.address() + "/metrics");
                assertEquals(null, plain.headers().get("content-encoding"));
                HttpReply gzip = Curl.url("http://" + sim.address() + "/metrics", "--compressed");
                assertEquals("gzip", gzip.headers().get("content-encoding"));
                assertEquals(plain.text().lines().count(), gzip.text().lines().count());
                HttpReply caret = Curl.url("http://" + sim.address() + "/metrics?runsc-sandbox-metrics-filter=^fs_");
                assertEquals(200, caret.status(), caret.text());
                assertTrue(caret.text().contains("runsc_fs_opens{"), caret.text());
                assertTrue(caret.text().length() < plain.text().length(), "the filter kept everything");

                // The filtered job: the sandboxes' own metrics are only runsc_fs_opens.
                server.awaitReady("runsc_fs_opens of the filtered job", INGEST_DEADLINE,
                        () -> query(api, "runsc_fs_opens{job=\"filtered\"}").size() == 2);
                TreeSet<String> names = new TreeSet<>();
                for (JsonObject r : query(api, "{job=\"filtered\",sandbox=~\"sim-.*\"}")) {
                    names.add(label(r, "__name__"));
                }
                names.removeIf(n -> n.startsWith("runsc_meta_"));
                assertEquals(List.of("runsc_fs_opens"), List.copyOf(names));
                assertFalse(query(api, "runsc_fs_reads{job=\"runsc\"}").isEmpty(), "the plain job lost runsc_fs_reads");
                assertTrue(server.isAlive(), server::describe);
            }
        }
    }

    /**
     * Prometheus scrapes over TLS with a client certificate (openssl's SEC1 EC key, which Go reads
     * too) from a server that requires one; a job without the certificate is refused at the
     * handshake and is down, and curl sees the same answer as Prometheus.
     */
    @Test
    void prometheusScrapesOverTlsWithAClientCertificate() throws IOException, InterruptedException {
        Path prometheus = Tools.assume("prometheus", "prometheus");
        Curl.assumeInstalled();
        try (TestCertificates certs = TestCertificates.create();
             ScratchDir dir = ScratchDir.create("pt");
             SimulatedServer sim = SimulatedServer.start(dir, "127.0.0.1:" + Tools.freePort(), 2, List.of(
                     "--tls-cert-file=" + certs.serverCert(), "--tls-key-file=" + certs.serverKey(),
                     "--tls-client-ca-file=" + certs.ca()))) {
            Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                    scrape_configs:
                      - job_name: tls
                        scheme: https
                        tls_config:
                          ca_file: %2$s
                          cert_file: %3$s
                          key_file: %4$s
                        static_configs:
                          - targets: ['%1$s']
                      - job_name: no-client-cert
                        scheme: https
                        tls_config:
                          ca_file: %2$s
                        static_configs:
                          - targets: ['%1$s']
                    """.formatted(sim.address(), certs.ca(), certs.clientCert(), certs.clientKey()));
            int apiPort = Tools.freePort();
            String api = "http://127.0.0.1:" + apiPort + "/api/v1/query?query=";
            try (Daemon server = Daemon.start("prometheus", List.of(prometheus.toString(),
                    "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + apiPort, "--log.level=warn"), dir.path())) {
                server.awaitReady("presence series of both sandboxes over TLS", INGEST_DEADLINE,
                        () -> query(api, "runsc_meta_sandbox_presence{job=\"tls\"}").size() == 2);
                server.awaitReady("the job without a client certificate down", INGEST_DEADLINE,
                        () -> query(api, "up{job=\"no-client-cert\"}").stream().map(PrometheusScrapeTest::value).toList()
                                .equals(List.of("0")));
                assertEquals(List.of("1"), query(api, "up{job=\"tls\"}").stream().map(PrometheusScrapeTest::value).toList());
                List<JsonObject> presence = query(api, "runsc_meta_sandbox_presence{job=\"tls\"}");
                assertEquals(List.of("sim-1", "sim-2"), presence.stream().map(r -> label(r, "sandbox")).sorted().toList());

                HttpReply reply = Curl.url("https://" + sim.address() + "/metrics", "--cacert", certs.ca().toString(),
                        "--cert", certs.clientCert().toString(), "--key", certs.clientKey().toString());
                assertEquals(200, reply.status());
                assertTrue(reply.text().contains("runsc_meta_sandbox_presence{"), reply::text);
                assertTrue(sim.server().stderr().contains("metric server listening on " + sim.address()
                        + " with TLS (client certificates required)"), sim.server()::describe);
                assertTrue(server.isAlive(), server::describe);
            }
        }
    }

    /** The result vector of an instant query; empty while Prometheus is not up yet. */
    private static List<JsonObject> query(String api, String promql) throws IOException, InterruptedException {
        Optional<HttpReply> reply = Curl.tryUrl(api + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        if (reply.isEmpty() || reply.get().status() != 200) {
            return List.of();
        }
        try {
            JsonObject body = (JsonObject) Json.parse(reply.get().body());
            JsonObject data = (JsonObject) body.get("data");
            List<JsonObject> out = new ArrayList<>();
            for (JsonValue v : ((JsonArray) data.get("result")).elements()) {
                out.add((JsonObject) v);
            }
            return out;
        } catch (JsonException | ClassCastException e) {
            throw new AssertionError("unexpected answer to " + promql + ": " + reply.get().text(), e);
        }
    }

    /** The sample value of one result ({@code "value": [time, "text"]}). */
    private static String value(JsonObject result) {
        return ((JsonString) ((JsonArray) result.get("value")).elements().get(1)).value();
    }

    private static String label(JsonObject result, String key) {
        Map<String, JsonValue> metric = ((JsonObject) result.get("metric")).members();
        return metric.get(key) instanceof JsonString s ? s.value() : "";
    }

    /** The samples of a text-format body: its lines that are neither empty nor comments. */
    private static long samples(HttpReply reply) {
        return reply.text().lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
    }

}
