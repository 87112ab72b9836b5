// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import runsc.metrics.json.JsonArray;
import runsc.metrics.json.JsonBool;
import runsc.metrics.json.JsonNull;
import runsc.metrics.json.JsonNumber;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;

/**
 * Decodes {@code registeredMetrics} the way Go's {@code encoding/json} fills the protobuf structs:
 * keys match exactly or, failing that, case-insensitively; a later duplicate key wins; unknown keys
 * and {@code null} values are ignored (the field keeps its zero value); a value of the wrong JSON
 * type is an error, as is an integer token that is fractional, has an exponent or is out of range.
 */
final class RegistrationJson {
    private static final long INT32_MIN = Integer.MIN_VALUE;
    private static final long INT32_MAX = Integer.MAX_VALUE;

    private RegistrationJson() {}

    static MetricRegistration registration(JsonValue value, String path) throws InvalidRegistrationException {
        JsonObject object = object(value, path);
        List<RegisteredMetric> metrics = List.of();
        List<String> stages = List.of();
        for (Map.Entry<String, JsonValue> member : object.members().entrySet()) {
            String key = match(member.getKey(), "metrics", "stages");
            if (key == null || member.getValue() instanceof JsonNull) {
                continue;
            }
            String at = path + "." + member.getKey();
            switch (key) {
                case "metrics" -> {
                    var list = new ArrayList<RegisteredMetric>();
                    List<JsonValue> elements = array(member.getValue(), at);
                    for (int i = 0; i < elements.size(); i++) {
                        list.add(metric(elements.get(i), at + "[" + i + "]"));
                    }
                    metrics = list;
                }
                case "stages" -> stages = strings(member.getValue(), at);
                default -> throw new IllegalStateException(key);
            }
        }
        return new MetricRegistration(metrics, stages);
    }

    private static RegisteredMetric metric(JsonValue value, String path) throws InvalidRegistrationException {
        String name = "";
        String prometheusName = "";
        String description = "";
        boolean cumulative = false;
        int type = 0;
        List<MetricField> fields = List.of();
        List<Long> bounds = List.of();
        if (value instanceof JsonNull) {
            // A null element decodes to a nil pointer, whose getters return zero values.
            return new RegisteredMetric(name, prometheusName, description, cumulative, type, fields, bounds);
        }
        JsonObject object = object(value, path);
        for (Map.Entry<String, JsonValue> member : object.members().entrySet()) {
            String key = match(member.getKey(), "name", "prometheus_name", "description", "cumulative",
                    "sync", "type", "units", "fields", "distribution_bucket_lower_bounds");
            if (key == null || member.getValue() instanceof JsonNull) {
                continue;
            }
            JsonValue v = member.getValue();
            String at = path + "." + member.getKey();
            switch (key) {
                case "name" -> name = string(v, at);
                case "prometheus_name" -> prometheusName = string(v, at);
                case "description" -> description = string(v, at);
                case "cumulative" -> cumulative = bool(v, at);
                case "sync" -> bool(v, at);
                case "type" -> type = (int) integer(v, at, INT32_MIN, INT32_MAX, "an int32");
                case "units" -> integer(v, at, INT32_MIN, INT32_MAX, "an int32");
                case "fields" -> {
                    var list = new ArrayList<MetricField>();
                    List<JsonValue> elements = array(v, at);
                    for (int i = 0; i < elements.size(); i++) {
                        list.add(field(elements.get(i), at + "[" + i + "]"));
                    }
                    fields = list;
                }
                case "distribution_bucket_lower_bounds" -> {
                    var list = new ArrayList<Long>();
                    List<JsonValue> elements = array(v, at);
                    for (int i = 0; i < elements.size(); i++) {
                        JsonValue e = elements.get(i);
                        // Go leaves a null element of a []int64 at 0.
                        list.add(e instanceof JsonNull ? 0L
                                : integer(e, at + "[" + i + "]", Long.MIN_VALUE, Long.MAX_VALUE, "an int64"));
                    }
                    bounds = list;
                }
                default -> throw new IllegalStateException(key);
            }
        }
        return new RegisteredMetric(name, prometheusName, description, cumulative, type, fields, bounds);
    }

    private static MetricField field(JsonValue value, String path) throws InvalidRegistrationException {
        String name = "";
        List<String> allowed = List.of();
        if (value instanceof JsonNull) {
            return new MetricField(name, allowed);
        }
        JsonObject object = object(value, path);
        for (Map.Entry<String, JsonValue> member : object.members().entrySet()) {
            String key = match(member.getKey(), "field_name", "allowed_values");
            if (key == null || member.getValue() instanceof JsonNull) {
                continue;
            }
            String at = path + "." + member.getKey();
            switch (key) {
                case "field_name" -> name = string(member.getValue(), at);
                case "allowed_values" -> allowed = strings(member.getValue(), at);
                default -> throw new IllegalStateException(key);
            }
        }
        return new MetricField(name, allowed);
    }

    /**
     * Returns the field a JSON key fills, as Go does: the field with exactly that name, else one
     * whose name equals it ignoring case; null if none.
     */
    private static String match(String key, String... names) {
        for (String name : names) {
            if (name.equals(key)) {
                return name;
            }
        }
        for (String name : names) {
            if (name.equalsIgnoreCase(key)) {
                return name;
            }
        }
        return null;
    }

    private static JsonObject object(JsonValue value, String path) throws InvalidRegistrationException {
        if (value instanceof JsonObject o) {
            return o;
        }
        throw wrongType(path, "an object", value);
    }

    private static List<JsonValue> array(JsonValue value, String path) throws InvalidRegistrationException {
        if (value instanceof JsonArray a) {
            return a.elements();
        }
        throw wrongType(path, "an array", value);
    }

    private static String string(JsonValue value, String path) throws InvalidRegistrationException {
        if (value instanceof JsonString s) {
            return s.value();
        }
        throw wrongType(path, "a string", value);
    }

    private static List<String> strings(JsonValue value, String path) throws InvalidRegistrationException {
        List<JsonValue> elements = array(value, path);
        var list = new ArrayList<String>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            JsonValue e = elements.get(i);
            list.add(e instanceof JsonNull ? "" : string(e, path + "[" + i + "]"));
        }
        return list;
    }

    private static boolean bool(JsonValue value, String path) throws InvalidRegistrationException {
        if (value instanceof JsonBool b) {
            return b.value();
        }
        throw wrongType(path, "a boolean", value);
    }

    private static long integer(JsonValue value, String path, long min, long max, String what)
            throws InvalidRegistrationException {
        if (!(value instanceof JsonNumber n)) {
            throw wrongType(path, what, value);
        }
        long v;
        try {
            v = n.longValueExact();
        } catch (ArithmeticException e) {
            throw new InvalidRegistrationException(path + ": expected " + what + " but was " + n.token());
        }
        if (v < min || v > max) {
            throw new InvalidRegistrationException(path + ": expected " + what + " but was " + n.token());
        }
        return v;
    }

    private static InvalidRegistrationException wrongType(String path, String expected, JsonValue value) {
        return new InvalidRegistrationException(path + ": expected " + expected + " but was "
                + (value == null ? "missing" : value.typeName()));
    }
}
