// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.packaging;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import runsc.metrics.json.Json;
import runsc.metrics.json.JsonArray;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;

/**
 * YAML files read as JSON values: python3's yaml module (Debian's python3-yaml) converts, the
 * project's JSON reader parses. Small path helpers navigate the result.
 */
final class Yaml {
    private static final String TO_JSON = "import sys, json, yaml\n"
            + "json.dump(list(yaml.safe_load_all(open(sys.argv[1]))), sys.stdout)\n";

    private Yaml() {}

    /** Skips the calling test unless python3 with the yaml module is installed. */
    static void assumeAvailable() throws Exception {
        assumeTrue(Command.find("python3").isPresent() && Command.run("python3", "-c", "import yaml").exitCode() == 0,
                "python3 with the yaml module not found (Debian package python3-yaml; `make ci-deps` as root installs it)");
    }

    /** The documents of a YAML file, in order (empty documents dropped). */
    static List<JsonObject> documents(Path file) throws Exception {
        Command c = Command.run("python3", "-c", TO_JSON, file.toString()).ok();
        List<JsonObject> docs = new ArrayList<>();
        for (JsonValue v : ((JsonArray) Json.parse(c.out().getBytes(StandardCharsets.UTF_8))).elements()) {
            if (v instanceof JsonObject o) {
                docs.add(o);
            }
        }
        return docs;
    }

    /** The value at a dotted path of object keys, or null. */
    static JsonValue at(JsonValue value, String path) {
        JsonValue v = value;
        for (String key : path.split("\\.")) {
            if (!(v instanceof JsonObject o)) {
                return null;
            }
            v = o.get(key);
        }
        return v;
    }

    /** The string at a dotted path; fails naming the path when it is missing or not a string. */
    static String text(JsonValue value, String path) {
        if (at(value, path) instanceof JsonString s) {
            return s.value();
        }
        throw new AssertionError("no string at " + path + " in " + value);
    }

    /** The array at a dotted path, or an empty list. */
    static List<JsonValue> list(JsonValue value, String path) {
        return at(value, path) instanceof JsonArray a ? a.elements() : List.of();
    }

    /** The members of the object at a dotted path, or none. */
    static Map<String, JsonValue> members(JsonValue value, String path) {
        return at(value, path) instanceof JsonObject o ? o.members() : Map.of();
    }
}
