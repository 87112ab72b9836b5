// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import runsc.metrics.json.Json;
import runsc.metrics.json.JsonArray;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;
import runsc.metrics.testing.ProjectFiles;

/** Builds state files from the real sb1 state file, with values rewritten per test. */
final class StateFixtures {
    static final Path SAMPLE = ProjectFiles.sample("real-state-sb1.json");

    private StateFixtures() {}

    static JsonObject sample() {
        try {
            return (JsonObject) Json.parse(Files.readAllBytes(SAMPLE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample rewritten for container {@code cid} of sandbox {@code sid}. */
    static JsonObject container(String sid, String cid, String containerType) {
        JsonObject state = with(sample(), "id", new JsonString(cid));
        JsonObject sandbox = with(object(state, "sandbox"), "id", new JsonString(sid));
        state = with(state, "sandbox", sandbox);
        JsonObject spec = object(state, "spec");
        JsonObject annotations = object(spec, "annotations");
        annotations = containerType == null
                ? without(annotations, ContainerSpec.CONTAINERD_TYPE)
                : with(annotations, ContainerSpec.CONTAINERD_TYPE, new JsonString(containerType));
        return with(state, "spec", with(spec, "annotations", annotations));
    }

    static JsonObject object(JsonObject o, String key) {
        return (JsonObject) o.get(key);
    }

    static JsonObject with(JsonObject o, String key, JsonValue value) {
        Map<String, JsonValue> members = new LinkedHashMap<>(o.members());
        members.put(key, value);
        return new JsonObject(members);
    }

    static JsonObject without(JsonObject o, String key) {
        Map<String, JsonValue> members = new LinkedHashMap<>(o.members());
        members.remove(key);
        return new JsonObject(members);
    }

    /** Sets a value at a path of object keys, e.g. {@code at(s, v, "sandbox", "pid")}. */
    static JsonObject at(JsonObject o, JsonValue value, String... path) {
        if (path.length == 1) {
            return with(o, path[0], value);
        }
        String[] rest = java.util.Arrays.copyOfRange(path, 1, path.length);
        return with(o, path[0], at(object(o, path[0]), value, rest));
    }

    static JsonArray strings(String... values) {
        return new JsonArray(List.of(values).stream().map(v -> (JsonValue) new JsonString(v)).toList());
    }

    /** Writes {@code <cid>_sandbox:<sid>.state} and an empty lock file. */
    static Path write(Path root, JsonObject state) {
        String cid = ((JsonString) state.get("id")).value();
        String sid = ((JsonString) object(state, "sandbox").get("id")).value();
        return writeRaw(root, new FullId(sid, cid), Json.writeBytes(state));
    }

    static Path writeRaw(Path root, FullId id, byte[] bytes) {
        try {
            Path file = root.resolve(id.stateFileName());
            Files.write(file, bytes);
            Path lock = root.resolve(id.lockFileName());
            if (!Files.exists(lock)) {
                Files.createFile(lock);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path writeRaw(Path root, FullId id, String text) {
        return writeRaw(root, id, text.getBytes(StandardCharsets.UTF_8));
    }
}
