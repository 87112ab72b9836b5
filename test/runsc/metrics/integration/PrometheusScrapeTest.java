// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import runsc.metrics.json.JsonObject;
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
    @Test
    void prometheusScrapesTheServerAndSeesEverySandbox() throws IOException, InterruptedException {
        Tools.assume("prometheus", "prometheus");
        Curl.assumeInstalled();
        try (ScratchDir dir = ScratchDir.create("ps");
             SimulatedServer sim = SimulatedServer.start(dir, "127.0.0.1:" + Tools.freePort(), 2);
             PrometheusServer server = PrometheusServer.start(dir, """
                       - job_name: runsc
                         static_configs:
                           - targets: ['%1$s']
                       - job_name: filtered
                         metrics_path: /metrics?runsc-sandbox-metrics-filter=fs_opens
                         static_configs:
                           - targets: ['%1$s']
                     """.formatted(sim.address()))) {
            server.awaitReady("up == 1 for both jobs",
                    () -> server.query("up").size() == 2 && server.values("up").stream().allMatch("1"::equals));
            server.awaitReady("presence series of both sandboxes",
                    () -> server.query("runsc_meta_sandbox_presence{job=\"runsc\"}").size() == 2);

            List<JsonObject> presence = server.query("runsc_meta_sandbox_presence{job=\"runsc\"}");
            assertEquals(List.of("sim-1", "sim-2"), presence.stream().map(r -> PrometheusServer.label(r, "sandbox")).sorted().toList());
            assertTrue(presence.stream().allMatch(r -> PrometheusServer.value(r).equals("1")), presence::toString);
            assertEquals(List.of("1"), server.values("runsc_meta_metric_server_presence").stream().distinct().toList());
            assertFalse(server.query("process_start_time_seconds{job=\"runsc\"}").isEmpty());

            // Prometheus asks for gzip on every scrape: it ingests every sample of a plain
            // scrape, and curl asking as it does gets gzip too, and the raw ^ of a filter.
            // The count can differ between two scrapes a second apart while the sandboxes settle
            // (a series present in one and not yet in the other), so the two are compared until
            // a scrape of ours and Prometheus's latest agree, within the ingest deadline.
            server.awaitReady("scrape_samples_scraped equal to the samples of a plain scrape",
                    () -> List.of(Long.toString(PrometheusServer.samples(Curl.url("http://" + sim.address() + "/metrics"))))
                            .equals(server.values("scrape_samples_scraped{job=\"runsc\"}")));
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
            server.awaitReady("runsc_fs_opens of the filtered job", () -> server.query("runsc_fs_opens{job=\"filtered\"}").size() == 2);
            TreeSet<String> names = new TreeSet<>();
            for (JsonObject r : server.query("{job=\"filtered\",sandbox=~\"sim-.*\"}")) {
                names.add(PrometheusServer.label(r, "__name__"));
            }
            names.removeIf(n -> n.startsWith("runsc_meta_"));
            assertEquals(List.of("runsc_fs_opens"), List.copyOf(names));
            assertFalse(server.query("runsc_fs_reads{job=\"runsc\"}").isEmpty(), "the plain job lost runsc_fs_reads");
            assertTrue(server.daemon().isAlive(), server.daemon()::describe);
        }
    }

    /**
     * Prometheus scrapes over TLS with a client certificate (openssl's SEC1 EC key, which Go reads
     * too) from a server that requires one; a job without the certificate is refused at the
     * handshake and is down, and curl sees the same answer as Prometheus.
     */
    @Test
    void prometheusScrapesOverTlsWithAClientCertificate() throws IOException, InterruptedException {
        Tools.assume("prometheus", "prometheus");
        Curl.assumeInstalled();
        try (TestCertificates certs = TestCertificates.create();
             ScratchDir dir = ScratchDir.create("pt");
             SimulatedServer sim = SimulatedServer.start(dir, "127.0.0.1:" + Tools.freePort(), 2, List.of(
                     "--tls-cert-file=" + certs.serverCert(), "--tls-key-file=" + certs.serverKey(),
                     "--tls-client-ca-file=" + certs.ca()));
             PrometheusServer server = PrometheusServer.start(dir, """
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
                     """.formatted(sim.address(), certs.ca(), certs.clientCert(), certs.clientKey()))) {
            server.awaitReady("presence series of both sandboxes over TLS",
                    () -> server.query("runsc_meta_sandbox_presence{job=\"tls\"}").size() == 2);
            server.awaitReady("the job without a client certificate down",
                    () -> server.values("up{job=\"no-client-cert\"}").equals(List.of("0")));
            assertEquals(List.of("1"), server.values("up{job=\"tls\"}"));
            List<JsonObject> presence = server.query("runsc_meta_sandbox_presence{job=\"tls\"}");
            assertEquals(List.of("sim-1", "sim-2"),
                    presence.stream().map(r -> PrometheusServer.label(r, "sandbox")).sorted().toList());

            HttpReply reply = Curl.url("https://" + sim.address() + "/metrics", "--cacert", certs.ca().toString(),
                    "--cert", certs.clientCert().toString(), "--key", certs.clientKey().toString());
            assertEquals(200, reply.status());
            assertTrue(reply.text().contains("runsc_meta_sandbox_presence{"), reply::text);
            assertTrue(sim.server().stderr().contains("metric server listening on " + sim.address()
                    + " with TLS (client certificates required)"), sim.server()::describe);
            assertTrue(server.daemon().isAlive(), server.daemon()::describe);
        }
    }
}
