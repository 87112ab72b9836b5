// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.SequencedSet;
import runsc.metrics.gotext.GoTime;
import runsc.metrics.json.JsonArray;
import runsc.metrics.json.JsonBool;
import runsc.metrics.json.JsonNull;
import runsc.metrics.json.JsonNumber;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;

/**
 * Turns a parsed state file into a {@link ContainerState}, following Go's {@code encoding/json}
 * where the metric server depends on it.
 *
 * <ul>
 *   <li>Struct keys match case-insensitively ({@code "ID"} fills {@code id}); when several keys
 *       match one field, the last in the object wins. Map keys (annotations, metric metadata) are
 *       exact. Unknown keys are ignored.</li>
 *   <li>{@code null} leaves a field at its zero value: "", 0, false, empty.</li>
 *   <li>A value of the wrong JSON type, or a fractional or out-of-range integer, is an error.</li>
 *   <li>Unlike runsc, which would crash, a missing {@code spec}, {@code spec.process} or
 *       {@code capabilities} gives no capabilities and uid 0. A missing {@code sandbox} is an
 *       error.</li>
 * </ul>
 */
final class StateDecoder {
    private static final String[] CAPABILITY_SETS = {"bounding", "effective", "inheritable", "permitted", "ambient"};
    private static final long MAX_UID = 0xffff_ffffL;

    private final Path file;

    private StateDecoder(Path file) {
        this.file = file;
    }

    /**
     * Decodes a whole state file.
     *
     * @param json the parsed file
     * @param file the file, for messages
     * @return the container state
     * @throws StateFileException if a used field has the wrong type or the sandbox is missing
     */
    static ContainerState decode(JsonValue json, Path file) throws StateFileException {
        return new StateDecoder(file).container(json);
    }

    private ContainerState container(JsonValue json) throws StateFileException {
        JsonObject top = object(json, "$");
        if (top == null) {
            throw fail("$", "expected an object, got null");
        }
        String id = string(top, "id", "$");
        ContainerSpec spec = spec(top.memberIgnoringCase("spec"), "$.spec");
        Instant createdAt = time(top.memberIgnoringCase("createdAt"), "$.createdAt");
        ContainerStatus status = ContainerStatus.of(string(top, "status", "$"));
        JsonObject sandbox = object(top.memberIgnoringCase("sandbox"), "$.sandbox");
        if (sandbox == null) {
            throw fail("$.sandbox", "no sandbox object (missing or null)");
        }
        return new ContainerState(id, spec, createdAt, status, sandbox(sandbox, "$.sandbox"));
    }

    private ContainerSpec spec(JsonValue json, String path) throws StateFileException {
        JsonObject spec = object(json, path);
        if (spec == null) {
            return ContainerSpec.EMPTY;
        }
        String version = string(spec, "ociVersion", path);
        Map<String, String> annotations = stringMap(spec.memberIgnoringCase("annotations"), path + ".annotations");
        long uid = 0;
        SequencedSet<String> caps = new LinkedHashSet<>();
        String processPath = path + ".process";
        JsonObject process = object(spec.memberIgnoringCase("process"), processPath);
        if (process != null) {
            JsonObject user = object(process.memberIgnoringCase("user"), processPath + ".user");
            if (user != null) {
                uid = integer(user.memberIgnoringCase("uid"), processPath + ".user.uid", 0, MAX_UID);
            }
            String capsPath = processPath + ".capabilities";
            JsonObject capabilities = object(process.memberIgnoringCase("capabilities"), capsPath);
            if (capabilities != null) {
                for (String set : CAPABILITY_SETS) {
                    JsonArray names = array(capabilities.memberIgnoringCase(set), capsPath + "." + set);
                    if (names == null) {
                        continue;
                    }
                    int i = 0;
                    for (JsonValue name : names.elements()) {
                        caps.add(stringValue(name, capsPath + "." + set + "[" + i++ + "]"));
                    }
                }
            }
        }
        return new ContainerSpec(version, uid, caps, annotations);
    }

    private Sandbox sandbox(JsonObject s, String path) throws StateFileException {
        JsonValue registered = s.memberIgnoringCase("registeredMetrics");
        if (registered instanceof JsonNull) {
            registered = null;
        } else if (registered != null && !(registered instanceof JsonObject)) {
            throw fail(path + ".registeredMetrics", "expected an object or null, got " + kind(registered));
        }
        return new Sandbox(
                string(s, "id", path),
                string(s, "podName", path),
                string(s, "namespace", path),
                integer(s.memberIgnoringCase("pid"), path + ".pid", Long.MIN_VALUE, Long.MAX_VALUE),
                registered,
                stringMap(s.memberIgnoringCase("metricMetadata"), path + ".metricMetadata"),
                string(s, "metricServerAddress", path),
                string(s, "controlSocketPath", path),
                bool(s.memberIgnoringCase("checkpointed"), path + ".checkpointed"),
                bool(s.memberIgnoringCase("restored"), path + ".restored"),
                integer(s.memberIgnoringCase("cpuTimeSaved"), path + ".cpuTimeSaved", Long.MIN_VALUE, Long.MAX_VALUE),
                integer(s.memberIgnoringCase("wallTimeSaved"), path + ".wallTimeSaved", Long.MIN_VALUE, Long.MAX_VALUE));
    }


    private JsonObject object(JsonValue value, String path) throws StateFileException {
        return switch (value) {
            case null -> null;
            case JsonNull n -> null;
            case JsonObject o -> o;
            case JsonArray a -> throw wrongType(path, "an object", value);
            case JsonString s -> throw wrongType(path, "an object", value);
            case JsonNumber n -> throw wrongType(path, "an object", value);
            case JsonBool b -> throw wrongType(path, "an object", value);
        };
    }

    private JsonArray array(JsonValue value, String path) throws StateFileException {
        if (value == null || value instanceof JsonNull) {
            return null;
        }
        if (value instanceof JsonArray a) {
            return a;
        }
        throw wrongType(path, "an array", value);
    }

    private String string(JsonObject object, String field, String parentPath) throws StateFileException {
        return stringValue(object.memberIgnoringCase(field), parentPath + "." + field);
    }

    private String stringValue(JsonValue value, String path) throws StateFileException {
        if (value == null || value instanceof JsonNull) {
            return "";
        }
        if (value instanceof JsonString s) {
            return s.value();
        }
        throw wrongType(path, "a string", value);
    }

    private boolean bool(JsonValue value, String path) throws StateFileException {
        if (value == null || value instanceof JsonNull) {
            return false;
        }
        if (value instanceof JsonBool b) {
            return b.value();
        }
        throw wrongType(path, "a boolean", value);
    }

    private long integer(JsonValue value, String path, long min, long max) throws StateFileException {
        if (value == null || value instanceof JsonNull) {
            return 0;
        }
        if (!(value instanceof JsonNumber n)) {
            throw wrongType(path, "an integer", value);
        }
        long v;
        try {
            v = n.longValueExact();
        } catch (ArithmeticException e) {
            throw fail(path, "expected an integer, got " + n.token());
        }
        if (v < min || v > max) {
            throw fail(path, "integer " + v + " out of range " + min + ".." + max);
        }
        return v;
    }

    private Map<String, String> stringMap(JsonValue value, String path) throws StateFileException {
        JsonObject object = object(value, path);
        Map<String, String> out = new LinkedHashMap<>();
        if (object != null) {
            for (Map.Entry<String, JsonValue> e : object.members().entrySet()) {
                out.put(e.getKey(), stringValue(e.getValue(), path + "[\"" + e.getKey() + "\"]"));
            }
        }
        return out;
    }

    private Instant time(JsonValue value, String path) throws StateFileException {
        if (value == null || value instanceof JsonNull) {
            return GoTime.ZERO;
        }
        if (!(value instanceof JsonString s)) {
            throw wrongType(path, "an RFC 3339 time string", value);
        }
        try {
            return GoTime.parseRfc3339(s.value());
        } catch (DateTimeException e) {
            throw new StateFileException(file, path + ": " + e.getMessage(), e);
        }
    }

    private StateFileException wrongType(String path, String expected, JsonValue got) {
        return fail(path, "expected " + expected + ", got " + kind(got));
    }

    private StateFileException fail(String path, String problem) {
        return new StateFileException(file, path + ": " + problem, null);
    }

    private static String kind(JsonValue value) {
        return switch (value) {
            case JsonObject o -> "an object";
            case JsonArray a -> "an array";
            case JsonString s -> "a string";
            case JsonNumber n -> "the number " + n.token();
            case JsonBool b -> "a boolean";
            case JsonNull n -> "null";
        };
    }
}
