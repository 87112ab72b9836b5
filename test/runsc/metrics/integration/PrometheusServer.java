// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

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
import java.util.TreeMap;
import runsc.metrics.json.Json;
import runsc.metrics.json.JsonArray;
import runsc.metrics.json.JsonException;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;
import runsc.metrics.testing.Daemon;
import runsc.metrics.testing.ScratchDir;
import runsc.metrics.testing.Tools;

/**
 * A real Prometheus server (Debian's 2.42, installed by {@code scripts/install-ci-deps.sh}) that
 * scrapes its targets every second, and its HTTP query API, which shows what it ingested. Its data
 * and log live in the test's scratch directory.
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
     * Starts Prometheus with a scrape interval and timeout of one second; skips the calling test
     * unless prometheus and curl are installed.
     *
     * @param dir           the scratch directory: its configuration, data and output go there
     * @param scrapeConfigs the entries of {@code scrape_configs}, as YAML list items indented by two
     *                      spaces ({@code "  - job_name: ..."})
     * @return the running server
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

    /** Polls {@code check} until it holds; fails after {@link #INGEST_DEADLINE} or if Prometheus exits. */
    void awaitReady(String what, Daemon.Check check) throws InterruptedException {
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

    /** A label of one result, or "" when it has none of that name. */
    static String label(JsonObject result, String key) {
        Map<String, JsonValue> metric = ((JsonObject) result.get("metric")).members();
        return metric.get(key) instanceof JsonString s ? s.value() : "";
    }

    /** The labels of one result, {@code __name__} included. */
    static Map<String, String> labels(JsonObject result) {
        Map<String, String> out = new TreeMap<>();
        ((JsonObject) result.get("metric")).members().forEach((k, v) -> out.put(k, ((JsonString) v).value()));
        return out;
    }

    /** The samples of a text-format body: its lines that are neither empty nor comments. */
    static long samples(HttpReply reply) {
        return reply.text().lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
    }

    /** Whether Prometheus is still running. */
    boolean isAlive() {
        return daemon.isAlive();
    }

    /** Its command, state and output, for assertion messages. */
    String describe() {
        return daemon.describe();
    }

    @Override
    public void close() {
        daemon.close();
    }
}
