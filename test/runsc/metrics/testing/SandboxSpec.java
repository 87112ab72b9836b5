// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.testing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.regex.Pattern;

/**
 * What a real sandbox is made of: its ID, the OCI annotations of its bundle (the CRI ones give
 * the {@code pod_name} and {@code namespace_name} labels), and the {@code --metric-server} address
 * recorded in its state file.
 *
 * @param id the sandbox ID (also its root container's ID); runsc's rule {@code [\w+.-]+}
 * @param annotations OCI annotations in the order they are written to {@code config.json}
 * @param metricServerAddress the {@code --metric-server} value for {@code runsc create}; empty
 *     means the root's default, {@link RealRoot#metricServerAddress()}
 * @param args the command of its root container
 * @param networkNamespace the path of the network namespace it joins; empty for a new one
 */
public record SandboxSpec(String id, SequencedMap<String, String> annotations, Optional<String> metricServerAddress,
        List<String> args, Optional<String> networkNamespace) {
    /** What a sandbox runs unless told otherwise: it stays up for the longest test. */
    public static final List<String> SLEEP = List.of("sleep", "3600");

    /** runsc's container ID rule (runsc/container validateID). */
    static final Pattern ID = Pattern.compile("[\\w+.-]+");
    /** Keeps the control socket path ({@code <root>/runsc-<id>.sock}) well under 108 bytes. */
    public static final int MAX_ID_LENGTH = 40;

    /** Annotation that marks the root container of a pod (containerd's key). */
    public static final String CONTAINER_TYPE = "io.kubernetes.cri.container-type";
    /** Annotation that gives the pod name, exported as {@code pod_name}. */
    public static final String SANDBOX_NAME = "io.kubernetes.cri.sandbox-name";
    /** Annotation that gives the pod namespace, exported as {@code namespace_name}. */
    public static final String SANDBOX_NAMESPACE = "io.kubernetes.cri.sandbox-namespace";

    /** Validates the ID and copies the annotations, keeping their order. */
    public SandboxSpec {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("sandbox id \"" + id + "\" does not match " + ID.pattern());
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException(
                    "sandbox id \"" + id + "\" is longer than " + MAX_ID_LENGTH + " characters");
        }
        annotations = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(annotations));
        Objects.requireNonNull(metricServerAddress, "metricServerAddress");
        args = List.copyOf(args);
        if (args.isEmpty()) {
            throw new IllegalArgumentException("sandbox " + id + " has an empty command");
        }
        Objects.requireNonNull(networkNamespace, "networkNamespace");
    }

    /** A sandbox without annotations: its metrics carry only {@code iteration} and {@code sandbox}. */
    public static SandboxSpec plain(String id) {
        return new SandboxSpec(id, new LinkedHashMap<>(), Optional.empty(), SLEEP, Optional.empty());
    }

    /** A pod sandbox as containerd's CRI plugin creates it: the pod labels come from its annotations. */
    public static SandboxSpec pod(String id, String podName, String namespace) {
        SequencedMap<String, String> annotations = new LinkedHashMap<>();
        annotations.put(CONTAINER_TYPE, "sandbox");
        annotations.put(SANDBOX_NAME, podName);
        annotations.put(SANDBOX_NAMESPACE, namespace);
        return new SandboxSpec(id, annotations, Optional.empty(), SLEEP, Optional.empty());
    }

    /** This spec with one more (or a replaced) annotation. */
    public SandboxSpec withAnnotation(String key, String value) {
        SequencedMap<String, String> more = new LinkedHashMap<>(annotations);
        more.put(key, value);
        return new SandboxSpec(id, more, metricServerAddress, args, networkNamespace);
    }

    /** This spec with an explicit {@code --metric-server} value, e.g. one with {@code %RUNTIME_ROOT%}. */
    public SandboxSpec withMetricServer(String address) {
        return new SandboxSpec(id, annotations, Optional.of(address), args, networkNamespace);
    }

    /** This spec with its root container running {@code command} instead of {@link #SLEEP}. */
    public SandboxSpec withArgs(List<String> command) {
        return new SandboxSpec(id, annotations, metricServerAddress, command, networkNamespace);
    }

    /** This spec joining the network namespace at {@code path}, such as one of {@code ip netns add}. */
    public SandboxSpec withNetworkNamespace(String path) {
        return new SandboxSpec(id, annotations, metricServerAddress, args, Optional.of(path));
    }

    /**
     * The OCI bundle's {@code config.json}: {@link #args()} on the host's root, read-only, no terminal.
     *
     * @param cgroupsPath the container's {@code linux.cgroupsPath}
     * @return the JSON text
     */
    public String configJson(String cgroupsPath) {
        StringBuilder json = new StringBuilder(1024);
        json.append("""
                {
                  "ociVersion": "1.0.0",
                  "process": {
                    "terminal": false,
                    "user": {"uid": 0, "gid": 0},
                    "args": ARGS,
                    "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
                    "cwd": "/",
                    "capabilities": {
                      "bounding": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                      "effective": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                      "inheritable": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                      "permitted": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
                    },
                    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}]
                  },
                  "root": {"path": "/", "readonly": true},
                  "hostname": "runsc",
                  "mounts": [
                    {"destination": "/proc", "type": "proc", "source": "proc"},
                    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs"},
                    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]}
                  ],
                  "annotations": {""".replace("ARGS", jsonArray(args)));
        String separator = "";
        for (Map.Entry<String, String> e : annotations.entrySet()) {
            json.append(separator).append("\n    ");
            appendString(json, e.getKey()).append(": ");
            appendString(json, e.getValue());
            separator = ",";
        }
        json.append(annotations.isEmpty() ? "},\n" : "\n  },\n");
        json.append("  \"linux\": {\n    \"cgroupsPath\": ");
        appendString(json, cgroupsPath);
        json.append("""
                ,
                    "namespaces": [{"type": "pid"}, NETWORK, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}]
                  }
                }
                """.replace("NETWORK", network()));
        return json.toString();
    }

    /** The network namespace entry: a new namespace, or the one at {@link #networkNamespace()}. */
    private String network() {
        return networkNamespace.map(path -> appendString(new StringBuilder("{\"type\": \"network\", \"path\": "), path)
                .append('}').toString()).orElse("{\"type\": \"network\"}");
    }

    private static String jsonArray(List<String> values) {
        StringBuilder out = new StringBuilder("[");
        for (String v : values) {
            appendString(out.length() > 1 ? out.append(", ") : out, v);
        }
        return out.append(']').toString();
    }

    static StringBuilder appendString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }
}
