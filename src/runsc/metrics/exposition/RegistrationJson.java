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
        List<RegisteredMetric> metrics = List.of();
        List<String> stages = List.of();
        for (Member m : members(value, path, "metrics", "stages")) {
            switch (m.field()) {
                case "metrics" -> metrics = list(m.value(), m.path(), RegistrationJson::metric);
                case "stages" -> stages = strings(m.value(), m.path());
                default -> throw new IllegalStateException(m.field());
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
        for (Member m : members(value, path, "name", "prometheus_name", "description", "cumulative", "sync", "type",
                "units", "fields", "distribution_bucket_lower_bounds")) {
            JsonValue v = m.value();
            String at = m.path();
            switch (m.field()) {
                case "name" -> name = string(v, at);
                case "prometheus_name" -> prometheusName = string(v, at);
                case "description" -> description = string(v, at);
                case "cumulative" -> cumulative = bool(v, at);
                case "sync" -> bool(v, at);
                case "type" -> type = (int) integer(v, at, INT32_MIN, INT32_MAX, "an int32");
                case "units" -> integer(v, at, INT32_MIN, INT32_MAX, "an int32");
                case "fields" -> fields = list(v, at, RegistrationJson::field);
                // Go leaves a null element of a []int64 at 0.
                case "distribution_bucket_lower_bounds" -> bounds = list(v, at, (e, p) -> e instanceof JsonNull ? 0L
                        : integer(e, p, Long.MIN_VALUE, Long.MAX_VALUE, "an int64"));
                default -> throw new IllegalStateException(m.field());
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
        for (Member m : members(value, path, "field_name", "allowed_values")) {
            switch (m.field()) {
                case "field_name" -> name = string(m.value(), m.path());
                case "allowed_values" -> allowed = strings(m.value(), m.path());
                default -> throw new IllegalStateException(m.field());
            }
        }
        return new MetricField(name, allowed);
    }

    /**
     * A member of a JSON object that fills a struct field.
     *
     * @param field the name of the field it fills
     * @param value its value, not {@code null}
     * @param path  its JSON path, for messages
     */
    private record Member(String field, JsonValue value, String path) {}

    /** Decodes one value of a JSON array; {@code path} names the element. */
    @FunctionalInterface
    private interface ElementDecoder<T> {
        T decode(JsonValue value, String path) throws InvalidRegistrationException;
    }

    /**
     * Returns, in document order, the members of the object {@code value} that fill one of
     * {@code fields}, as Go decodes a struct: keys are matched by {@link #match}, and members that fill
     * no field or are {@code null} (the field keeps its value) are left out. A later member for the
     * same field comes later, so it wins.
     */
    private static List<Member> members(JsonValue value, String path, String... fields)
            throws InvalidRegistrationException {
        JsonObject object = object(value, path);
        List<Member> members = new ArrayList<>(object.members().size());
        for (Map.Entry<String, JsonValue> member : object.members().entrySet()) {
            String field = match(member.getKey(), fields);
            if (field != null && !(member.getValue() instanceof JsonNull)) {
                members.add(new Member(field, member.getValue(), path + "." + member.getKey()));
            }
        }
        return members;
    }

    /** Decodes the array {@code value} element by element, each under its path {@code path[i]}. */
    private static <T> List<T> list(JsonValue value, String path, ElementDecoder<T> element)
            throws InvalidRegistrationException {
        List<JsonValue> elements = array(value, path);
        var list = new ArrayList<T>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            list.add(element.decode(elements.get(i), path + "[" + i + "]"));
        }
        return list;
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
        return list(value, path, (e, p) -> e instanceof JsonNull ? "" : string(e, p));
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
