// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import runsc.metrics.json.Json;
import runsc.metrics.json.JsonArray;
import runsc.metrics.json.JsonException;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;
import runsc.metrics.testing.ScratchDir;
import runsc.metrics.testing.Tools;

/**
 * A real Prometheus server (Debian's) that scrapes every second, and its query API: the fixture
 * of the tests that check what Prometheus ingests from {@code runsc-metrics metric-server}.
 */
final class PrometheusServer implements AutoCloseable {
    /** How long Prometheus gets to start, scrape and answer (it scrapes every second). */
    static final Duration INGEST_DEADLINE = Duration.ofSeconds(40);

    private final Daemon daemon;
    private final String api;

    private PrometheusServer(Daemon daemon, String api) {
        this.daemon = daemon;
        this.api = api;
    }

    /**
     * Starts Prometheus in {@code dir} with a one-second scrape interval and these scrape configs,
     * or skips the calling test if it is not installed.
     *
     * @param scrapeConfigs the YAML list items under {@code scrape_configs:}, indented by two spaces
     */
    static PrometheusServer start(ScratchDir dir, String scrapeConfigs) throws IOException {
        Path prometheus = Tools.assume("prometheus", "prometheus");
        Curl.assumeInstalled();
        Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                """ + scrapeConfigs);
        int apiPort = Tools.freePort();
        Daemon daemon = Daemon.start("prometheus", List.of(prometheus.toString(),
                "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + apiPort, "--log.level=warn"), dir.path());
        return new PrometheusServer(daemon, "http://127.0.0.1:" + apiPort + "/api/v1/query?query=");
    }

    /** The Prometheus process. */
    Daemon daemon() {
        return daemon;
    }

    /** Waits until {@code check} holds, failing with {@code what} after {@link #INGEST_DEADLINE}. */
    void await(String what, Daemon.Check check) throws InterruptedException {
        daemon.awaitReady(what, INGEST_DEADLINE, check);
    }

    /** The result vector of an instant query; empty while Prometheus is not up yet. */
    List<JsonObject> query(String promql) throws IOException, InterruptedException {
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

    /** The sample values of an instant query's results, in result order. */
    List<String> values(String promql) throws IOException, InterruptedException {
        return query(promql).stream().map(PrometheusServer::value).toList();
    }

    /** The sample value of one result ({@code "value": [time, "text"]}). */
    static String value(JsonObject result) {
        return ((JsonString) ((JsonArray) result.get("value")).elements().get(1)).value();
    }

    /** The value of label {@code key} of one result, or "". */
    static String label(JsonObject result, String key) {
        Map<String, JsonValue> metric = ((JsonObject) result.get("metric")).members();
        return metric.get(key) instanceof JsonString s ? s.value() : "";
    }

    /** The samples of a text-format or OpenMetrics body: its lines that are neither empty nor comments. */
    static long samples(HttpReply reply) {
        return reply.text().lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
    }

    /** Stops Prometheus. */
    @Override
    public void close() {
        daemon.close();
    }
}
