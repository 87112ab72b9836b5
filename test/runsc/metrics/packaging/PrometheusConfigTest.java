// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import runsc.metrics.testing.ProjectFiles;
import runsc.metrics.json.Json;
import runsc.metrics.json.JsonBool;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;

/** deploy/prometheus and deploy/grafana, checked by the real promtool (Debian's prometheus package). */
class PrometheusConfigTest {
    static final Path DIR = ProjectFiles.resolve("deploy/prometheus");
    static final Path DASHBOARD = ProjectFiles.resolve("deploy/grafana/runsc-metrics.json");
    static final List<String> ALERTS = List.of("RunscMetricServerDown", "RunscSandboxMetricsBroken", "RunscSandboxNotRunning");

    /** Replaces every job's Kubernetes discovery with one static target (argv: input, output). */
    private static final String SWAP_DISCOVERY = "import sys, yaml\n"
            + "c = yaml.safe_load(open(sys.argv[1]))\n"
            + "for job in c['scrape_configs']:\n"
            + "    if job.pop('kubernetes_sd_configs', None) is not None:\n"
            + "        job['static_configs'] = [{'targets': ['node-a:9115']}]\n"
            + "yaml.safe_dump(c, open(sys.argv[2], 'w'))\n";

    private static Path promtool() {
        return Command.assume("promtool", "prometheus");
    }

    @Test
    void staticAndSocatConfigsAreValid() throws Exception {
        Path promtool = promtool();
        for (String config : List.of("prometheus-static.yml", "prometheus-socat.yml")) {
            Command c = Command.run(promtool.toString(), "check", "config", DIR.resolve(config).toString());
            assertEquals(0, c.exitCode(), c.describe());
            assertTrue(c.out().contains("SUCCESS: 3 rules found"), "the alert rules were not checked with " + config + ": " + c.out());
        }
    }

    /**
     * Debian's Prometheus is built without Kubernetes discovery, so its promtool refuses the key;
     * the rest of the job (relabeling included) is checked with the discovery swapped for a static
     * target, and the labels that matter are checked field by field.
     */
    @Test
    void kubernetesConfigIsValidAndKeepsTheSandboxPodLabels() throws Exception {
        Path promtool = promtool();
        Yaml.assumeAvailable();
        Path config = DIR.resolve("prometheus-kubernetes.yml");
        Command asIs = Command.run(promtool.toString(), "check", "config", config.toString());
        if (asIs.exitCode() != 0) {
            assertTrue(asIs.err().contains("field kubernetes_sd_configs not found"), asIs.describe());
            Path swapped = DIR.resolve(".k8s-as-static.yml");
            try {
                Command.run("python3", "-c", SWAP_DISCOVERY, config.toString(), swapped.toString()).ok();
                Command c = Command.run(promtool.toString(), "check", "config", swapped.toString());
                assertEquals(0, c.exitCode(), c.describe());
            } finally {
                Files.deleteIfExists(swapped);
            }
        }
        JsonObject job = (JsonObject) Yaml.list(Yaml.documents(config).getFirst(), "scrape_configs").getFirst();
        assertEquals("runsc-metrics", Yaml.text(job, "job_name"), "the alert rules select job=\"runsc-metrics\"");
        assertEquals(JsonBool.TRUE, job.get("honor_labels"), "the sandboxes' own labels must win");
        List<String> targets = new ArrayList<>();
        for (JsonValue r : Yaml.list(job, "relabel_configs")) {
            if (Yaml.at(r, "target_label") instanceof JsonString t) {
                targets.add(t.value());
            }
        }
        assertFalse(targets.contains("pod_name") || targets.contains("namespace_name"),
                "relabeling overwrites the sandboxes' pod_name/namespace_name: " + targets);
        assertTrue(targets.containsAll(List.of("instance", "node", "server_pod")), targets.toString());
    }

    @Test
    void alertRulesAreValidAndEveryAlertHasAFiringAndAQuietCase() throws Exception {
        Path promtool = promtool();
        Command check = Command.run(promtool.toString(), "check", "rules", DIR.resolve("runsc-metrics.rules.yml").toString());
        assertEquals(0, check.exitCode(), check.describe());
        // promtool resolves the test file's rule_files against the test file's directory.
        Command test = Command.run(promtool.toString(), "test", "rules", DIR.resolve("runsc-metrics.rules.test.yml").toString());
        assertEquals(0, test.exitCode(), test.describe());
        String tests = Files.readString(DIR.resolve("runsc-metrics.rules.test.yml"));
        for (String alert : ALERTS) {
            int cases = tests.split("alertname: " + alert + "\n", -1).length - 1;
            assertTrue(cases >= 2, alert + " has " + cases + " evaluations; it needs one that fires and one that does not");
            assertTrue(tests.matches("(?s).*alertname: " + alert + "\\n\\s+exp_alerts: \\[\\].*"), alert + " never tested quiet");
            assertTrue(tests.matches("(?s).*alertname: " + alert + "\\n\\s+exp_alerts:\\n\\s+- exp_labels.*"), alert + " never tested firing");
        }
    }

    /** Every query of the dashboard, made a recording rule, passes promtool's PromQL parser. */
    @Test
    void everyDashboardQueryParses() throws Exception {
        Path promtool = promtool();
        JsonValue dashboard = Json.parse(Files.readAllBytes(DASHBOARD));
        List<String> queries = new ArrayList<>();
        collectExpressions(dashboard, queries);
        assertTrue(queries.size() >= 10, "only " + queries.size() + " queries in " + DASHBOARD);
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (int i = 0; i < queries.size(); i++) {
            // Grafana's variables become what they stand for when all hosts are selected.
            String expr = queries.get(i).replace("$instance", ".+");
            assertFalse(expr.contains("$"), "an unknown Grafana variable in " + expr);
            rules.append("      - record: dashboard:query").append(i).append('\n')
                    .append("        expr: ").append(Json.write(new JsonString(expr))).append('\n');
        }
        Path file = Files.createTempFile(Path.of("/tmp"), "dash", ".yml");
        try {
            Files.writeString(file, rules, StandardCharsets.UTF_8);
            Command c = Command.run(promtool.toString(), "check", "rules", file.toString());
            assertEquals(0, c.exitCode(), c.describe() + "\n" + rules);
            assertTrue(c.out().contains("SUCCESS: " + queries.size() + " rules found"), c.out());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void collectExpressions(JsonValue v, List<String> out) {
        switch (v) {
            case JsonObject o -> o.members().forEach((k, m) -> {
                if (k.equals("expr") && m instanceof JsonString s) {
                    out.add(s.value());
                } else {
                    collectExpressions(m, out);
                }
            });
            case runsc.metrics.json.JsonArray a -> a.elements().forEach(e -> collectExpressions(e, out));
            default -> { }
        }
    }
}
