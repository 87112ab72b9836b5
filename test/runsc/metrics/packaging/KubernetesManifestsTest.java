// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import runsc.metrics.testing.ProjectFiles;
import runsc.metrics.json.JsonBool;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;

/**
 * deploy/kubernetes, field by field: what the API server would reject (kinds, names, selectors that
 * do not match their pods) and what the metric server needs to work on a node (the runsc root at
 * the node's path, host PIDs, the socket directory, a port the Service and PodMonitor name).
 */
class KubernetesManifestsTest {
    static final Path DIR = ProjectFiles.resolve("deploy/kubernetes");
    static final String ROOT = "/run/containerd/runsc/k8s.io";
    static final Map<String, String> API_VERSIONS = Map.of("Namespace", "v1", "Service", "v1", "DaemonSet", "apps/v1",
            "PodMonitor", "monitoring.coreos.com/v1", "Kustomization", "kustomize.config.k8s.io/v1beta1");

    private static final Map<String, JsonObject> BY_FILE = new HashMap<>();

    @BeforeAll
    static void load() throws Exception {
        Yaml.assumeAvailable();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                List<JsonObject> docs = Yaml.documents(f);
                assertEquals(1, docs.size(), f + " should hold one object");
                BY_FILE.put(f.getFileName().toString(), docs.getFirst());
            }
        }
    }

    @Test
    void everyObjectHasItsKindsApiVersionAndANameInTheNamespace() {
        assertEquals(Set.of("namespace.yaml", "daemonset.yaml", "daemonset-gvisor.yaml", "service.yaml",
                "podmonitor.yaml", "kustomization.yaml"), BY_FILE.keySet());
        BY_FILE.forEach((file, o) -> {
            String kind = Yaml.text(o, "kind");
            assertEquals(API_VERSIONS.get(kind), Yaml.text(o, "apiVersion"), file);
            if (!kind.equals("Kustomization")) {
                assertTrue(Yaml.text(o, "metadata.name").matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"), file);
            }
            if (!kind.equals("Namespace") && !kind.equals("Kustomization")) {
                assertEquals("runsc-metrics", Yaml.text(o, "metadata.namespace"), file);
            }
        });
        Set<String> listed = new TreeSet<>();
        Yaml.list(BY_FILE.get("kustomization.yaml"), "resources").forEach(r -> listed.add(((JsonString) r).value()));
        for (String f : listed) {
            assertTrue(BY_FILE.containsKey(f), "kustomization.yaml lists a missing " + f);
        }
    }

    @Test
    void daemonSetsMountTheNodesRuntimeStateAndSeeItsPids() {
        for (String file : List.of("daemonset.yaml", "daemonset-gvisor.yaml")) {
            JsonObject ds = BY_FILE.get(file);
            assertEquals(Yaml.members(ds, "spec.selector.matchLabels"), Yaml.members(ds, "spec.template.metadata.labels"),
                    file + ": the selector must match the pod template's labels");
            JsonValue pod = Yaml.at(ds, "spec.template.spec");
            assertEquals(JsonBool.TRUE, Yaml.at(pod, "hostPID"), file + ": kill(pid, 0) needs the node's PIDs");
            Map<String, String> hostPaths = new HashMap<>();
            for (JsonValue v : Yaml.list(pod, "volumes")) {
                if (Yaml.at(v, "hostPath.path") instanceof JsonString p) {
                    hostPaths.put(Yaml.text(v, "name"), p.value());
                }
            }
            JsonValue server = container(pod, "runsc-metrics");
            List<String> args = strings(Yaml.list(server, "args"));
            assertTrue(args.contains("--root=" + ROOT), file + ": " + args);
            String address = args.stream().filter(a -> a.startsWith("--metric-server=")).findFirst().orElseThrow()
                    .substring("--metric-server=".length());
            assertEquals("metric-server", args.get(args.indexOf("--metric-server=" + address) + 1), file + ": " + args);
            Map<String, String> mounts = mounts(server);
            // State files record the node's paths (control sockets): they must be the same inside.
            String rootVolume = volumeFor(mounts, ROOT, file);
            assertTrue(ROOT.startsWith(hostPaths.get(rootVolume)) && ROOT.startsWith(mounts.get(rootVolume)),
                    file + ": " + ROOT + " is not mounted at the node's own path");
            assertEquals(hostPaths.get(rootVolume), mounts.get(rootVolume), file);
            String socketVolume = volumeFor(mounts, address, file);
            assertEquals(hostPaths.get(socketVolume), mounts.get(socketVolume), file);
            JsonValue socat = container(pod, "socat");
            assertTrue(strings(Yaml.list(socat, "args")).contains("UNIX-CONNECT:" + address), file + ": socat bridges another socket");
            assertEquals(mounts.get(socketVolume), mounts(socat).get(socketVolume), file + ": socat does not see the socket");
            JsonValue port = Yaml.list(socat, "ports").getFirst();
            assertEquals("metrics", Yaml.text(port, "name"), file);
            List<String> added = strings(Yaml.list(server, "securityContext.capabilities.add"));
            assertEquals(List.of("DAC_READ_SEARCH", "DAC_OVERRIDE", "KILL"), added, file);
            assertEquals(List.of("ALL"), strings(Yaml.list(server, "securityContext.capabilities.drop")), file);
        }
        // The healthcheck is 200 only for the server's own root, and the probe must reach the socket it serves.
        JsonValue server = container(Yaml.at(BY_FILE.get("daemonset.yaml"), "spec.template.spec"), "runsc-metrics");
        List<String> probe = strings(Yaml.list(server, "livenessProbe.exec.command"));
        assertTrue(probe.contains("http://localhost/runsc-metrics/healthcheck?root=" + ROOT), probe.toString());
        assertTrue(strings(Yaml.list(server, "args")).contains("--metric-server=" + probe.get(probe.indexOf("--unix-socket") + 1)),
                probe.toString());
        assertEquals("gvisor", Yaml.text(BY_FILE.get("daemonset-gvisor.yaml"), "spec.template.spec.runtimeClassName"));
        assertEquals(null, Yaml.at(BY_FILE.get("daemonset.yaml"), "spec.template.spec.runtimeClassName"));
    }

    @Test
    void serviceAndPodMonitorReachThePodsNamedPort() {
        JsonObject service = BY_FILE.get("service.yaml");
        Map<String, JsonValue> podLabels = Yaml.members(BY_FILE.get("daemonset.yaml"), "spec.template.metadata.labels");
        Yaml.members(service, "spec.selector").forEach((k, v) -> assertEquals(v, podLabels.get(k), "service selector " + k));
        assertEquals("metrics", Yaml.text(Yaml.list(service, "spec.ports").getFirst(), "targetPort"));
        JsonObject monitor = BY_FILE.get("podmonitor.yaml");
        Yaml.members(monitor, "spec.selector.matchLabels").forEach((k, v) -> assertEquals(v, podLabels.get(k), "podmonitor selector " + k));
        JsonValue endpoint = Yaml.list(monitor, "spec.podMetricsEndpoints").getFirst();
        assertEquals("metrics", Yaml.text(endpoint, "port"));
        assertEquals(JsonBool.TRUE, Yaml.at(endpoint, "honorLabels"), "the sandboxes' pod_name/namespace_name must win");
        for (JsonValue r : Yaml.list(endpoint, "relabelings")) {
            String target = Yaml.text(r, "targetLabel");
            assertTrue(!target.equals("pod_name") && !target.equals("namespace_name"), "overwrites " + target);
        }
        // job="runsc-metrics", which the alert rules select.
        assertEquals("app.kubernetes.io/name", Yaml.text(monitor, "spec.jobLabel"));
        assertEquals("runsc-metrics", ((JsonString) podLabels.get("app.kubernetes.io/name")).value());
    }

    private static JsonValue container(JsonValue pod, String name) {
        for (JsonValue c : Yaml.list(pod, "containers")) {
            if (Yaml.text(c, "name").equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no container " + name);
    }

    private static Map<String, String> mounts(JsonValue container) {
        Map<String, String> m = new HashMap<>();
        for (JsonValue v : Yaml.list(container, "volumeMounts")) {
            m.put(Yaml.text(v, "name"), Yaml.text(v, "mountPath"));
        }
        return m;
    }

    private static String volumeFor(Map<String, String> mounts, String path, String file) {
        return mounts.entrySet().stream().filter(e -> path.startsWith(e.getValue() + "/")).map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new AssertionError(file + ": nothing mounted over " + path));
    }

    private static List<String> strings(List<JsonValue> values) {
        List<String> out = new ArrayList<>();
        for (JsonValue v : values) {
            out.add(((JsonString) v).value());
        }
        return out;
    }
}
