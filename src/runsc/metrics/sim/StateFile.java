// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import runsc.metrics.exposition.MetricField;
import runsc.metrics.exposition.MetricRegistration;
import runsc.metrics.exposition.RegisteredMetric;
import runsc.metrics.json.JsonArray;
import runsc.metrics.json.JsonBool;
import runsc.metrics.json.JsonNull;
import runsc.metrics.json.JsonNumber;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;

/**
 * Builds the JSON of a root container's state file with the keys, nesting and key order of a real
 * 2024 runsc file ({@code <sid>_sandbox:<sid>.state}); only the values are the simulator's.
 */
final class StateFile {
    static final List<String> CAPABILITIES = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");

    private StateFile() {}

    static JsonObject build(SandboxOptions options, SimulatedSandbox.Recorded recorded) {
        String id = options.id();
        long pid = recorded.pid();
        Instant createdAt = recorded.createdAt();
        String root = recorded.stateFile().getParent().toString();
        Map<String, JsonValue> spec = new LinkedHashMap<>();
        spec.put("ociVersion", str("1.0.0"));
        Map<String, JsonValue> process = new LinkedHashMap<>();
        process.put("user", obj("uid", num(0), "gid", num(0)));
        process.put("args", strings(List.of("sleep", "infinity")));
        process.put("env", strings(List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")));
        process.put("cwd", str("/"));
        JsonArray caps = strings(CAPABILITIES);
        process.put("capabilities", obj("bounding", caps, "effective", caps, "inheritable", caps, "permitted", caps));
        process.put("rlimits", new JsonArray(List.of(obj("type", str("RLIMIT_NOFILE"), "hard", num(1024), "soft", num(1024)))));
        spec.put("process", new JsonObject(process));
        spec.put("root", obj("path", str("/"), "readonly", JsonBool.TRUE));
        spec.put("hostname", str("runsc"));
        spec.put("mounts", new JsonArray(List.of(obj("destination", str("/proc"), "type", str("proc"), "source", str("proc")))));
        Map<String, JsonValue> annotations = new LinkedHashMap<>();
        if (!options.podName().isEmpty() || !options.namespace().isEmpty()) {
            annotations.put("io.kubernetes.cri.container-type", str("sandbox"));
            annotations.put("io.kubernetes.cri.sandbox-name", str(options.podName()));
            annotations.put("io.kubernetes.cri.sandbox-namespace", str(options.namespace()));
        }
        if (!annotations.isEmpty()) {
            spec.put("annotations", new JsonObject(annotations));
        }
        JsonArray idMap = new JsonArray(List.of(obj("containerID", num(0), "hostID", num(0), "size", num(4294967295L))));
        spec.put("linux", obj("uidMappings", idMap, "gidMappings", idMap, "cgroupsPath", str("/" + id),
                "namespaces", new JsonArray(List.of(obj("type", str("pid")), obj("type", str("network"))))));

        Map<String, JsonValue> own = new LinkedHashMap<>();
        for (String controller : List.of("blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "memory", "pids", "systemd")) {
            own.put(controller, JsonBool.TRUE);
        }
        Map<String, JsonValue> sandbox = new LinkedHashMap<>();
        sandbox.put("id", str(id));
        sandbox.put("podName", str(options.podName()));
        sandbox.put("namespace", str(options.namespace()));
        sandbox.put("pid", num(pid));
        sandbox.put("uid", num(0));
        sandbox.put("gid", num(0));
        sandbox.put("cgroup", obj("cgroupv1", obj("name", str("/" + id), "parents", JsonNull.INSTANCE, "own", new JsonObject(own))));
        sandbox.put("originalOomScoreAdj", num(0));
        sandbox.put("registeredMetrics", registration(recorded.registration()));
        Map<String, JsonValue> metadata = new LinkedHashMap<>();
        metadata.put("coretags", str("false"));
        metadata.put("cpuarch", str(System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64"));
        metadata.put("experiment", str(""));
        metadata.put("fsmode", str("directfs"));
        metadata.put("go", str("simulated"));
        metadata.put("network", str("none"));
        metadata.put("numcores", str(Integer.toString(Runtime.getRuntime().availableProcessors())));
        metadata.put("overlay", str("root:self"));
        metadata.put("platform", str("systrap"));
        metadata.put("version", str("runsc-metrics-simulator"));
        sandbox.put("metricMetadata", new JsonObject(metadata));
        sandbox.put("metricServerAddress", str(options.metricServerAddress()));
        sandbox.put("controlSocketPath", str(recorded.socketPath().toString()));
        sandbox.put("mountHints", obj("mounts", JsonObject.EMPTY));
        sandbox.put("startTime", str(SnapshotJson.rfc3339Nano(createdAt.minusNanos(777_305))));

        Map<String, JsonValue> container = new LinkedHashMap<>();
        container.put("id", str(id));
        container.put("spec", new JsonObject(spec));
        container.put("bundleDir", str(root + "/bundles/" + id));
        container.put("createdAt", str(SnapshotJson.rfc3339Nano(createdAt)));
        container.put("owner", str(""));
        container.put("consoleSocket", str(""));
        container.put("status", str("running"));
        container.put("goferPid", num(pid));
        container.put("sandbox", new JsonObject(sandbox));
        container.put("compatCgroup", obj("cgroupunknown", JsonNull.INSTANCE));
        container.put("saver", obj("rootDir", str(root), "id", obj("sandboxId", str(id), "containerId", str(id))));
        container.put("goferMountConfs", new JsonArray(List.of(obj("upper", num(0), "lower", num(1)))));
        return new JsonObject(container);
    }

    /**
     * The registration as Go encodes the protobuf struct: struct field order, {@code omitempty} on
     * every member. Also the result of {@code Metrics.GetRegisteredMetrics}, byte for byte.
     */
    static JsonObject registration(MetricRegistration registration) {
        List<JsonValue> metrics = new ArrayList<>();
        for (RegisteredMetric m : registration.metrics()) {
            Map<String, JsonValue> out = new LinkedHashMap<>();
            out.put("name", str(m.name()));
            out.put("prometheus_name", str(m.prometheusName()));
            out.put("description", str(m.description()));
            if (m.cumulative()) {
                out.put("cumulative", JsonBool.TRUE);
            }
            if (SimMetrics.sync(m)) {
                out.put("sync", JsonBool.TRUE);
            }
            if (m.typeCode() != 0) {
                out.put("type", num(m.typeCode()));
            }
            if (!m.fields().isEmpty()) {
                List<JsonValue> fields = new ArrayList<>();
                for (MetricField f : m.fields()) {
                    fields.add(obj("field_name", str(f.name()), "allowed_values", strings(f.allowedValues())));
                }
                out.put("fields", new JsonArray(fields));
            }
            if (!m.bucketLowerBounds().isEmpty()) {
                out.put("distribution_bucket_lower_bounds",
                        new JsonArray(m.bucketLowerBounds().stream().map(b -> (JsonValue) JsonNumber.of(b)).toList()));
            }
            metrics.add(new JsonObject(out));
        }
        Map<String, JsonValue> out = new LinkedHashMap<>();
        if (!metrics.isEmpty()) {
            out.put("metrics", new JsonArray(metrics));
        }
        if (!registration.stages().isEmpty()) {
            out.put("stages", strings(registration.stages()));
        }
        return new JsonObject(out);
    }

    private static JsonString str(String s) {
        return new JsonString(s);
    }

    private static JsonNumber num(long n) {
        return JsonNumber.of(n);
    }

    private static JsonArray strings(List<String> values) {
        return new JsonArray(values.stream().map(v -> (JsonValue) new JsonString(v)).toList());
    }

    private static JsonObject obj(Object... keysAndValues) {
        Map<String, JsonValue> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], (JsonValue) keysAndValues[i + 1]);
        }
        return new JsonObject(out);
    }
}
