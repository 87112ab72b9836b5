// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import runsc.metrics.exposition.Bucket;
import runsc.metrics.exposition.Data;
import runsc.metrics.exposition.Histogram;
import runsc.metrics.exposition.LabelMap;
import runsc.metrics.exposition.Metric;
import runsc.metrics.exposition.NumberValue;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.json.JsonArray;
import runsc.metrics.json.JsonBool;
import runsc.metrics.json.JsonNull;
import runsc.metrics.json.JsonNumber;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;

/**
 * Decodes urpc replies the way Go's {@code encoding/json} would fill gVisor's structs: member names
 * match case-insensitively (the last match wins), unknown members are ignored, {@code null} leaves a
 * field at its zero value, and a value of the wrong JSON type is an error. Stricter than Go where Go
 * would crash or pass on something unsafe: a missing or {@code null} snapshot, metric or data
 * element, both or neither of {@code val}/{@code histogram}, and any {@code external_labels} are
 * errors. Every error names the JSON path of the offending value.
 *
 * <p>A successful {@code Metrics.Export} reply of the usual shape is normally read by
 * {@link ExportReplyReader} without a tree, with the same result; every reply that reader declines
 * comes here, so that this class alone decides errors and their words.
 *
 * <p>One deliberate leniency: a {@code float} token too large for a double reads as ±Inf. Go refuses
 * it, but Go also cannot send an infinite bound at all, so this is the only way a histogram's
 * overflow bucket can travel; the simulator sends it as {@code 1e+999}.
 */
final class ReplyDecoder {
    /** Go's zero {@code time.Time}, which a missing {@code when} decodes to. */
    static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

    private ReplyDecoder() {}

    /** A reply that does not have the expected shape; the message names the path. */
    static final class BadReply extends Exception {
        private static final long serialVersionUID = 1L;

        BadReply(String message) {
            super(message);
        }

        /**
         * The same error seen from the enclosing value: messages start with their path, so the
         * enclosing path goes in front. Paths are built this way, on failure only, because a
         * scrape decodes thousands of data points and building each one's path up front would
         * cost several strings per point.
         */
        BadReply under(String path) {
            return new BadReply(path + getMessage());
        }
    }

    /** The decoded envelope {@code {"success":..,"err":..,"result":..}}. */
    record Envelope(boolean success, String err, JsonValue result) { }

    static Envelope envelope(JsonValue reply) throws BadReply {
        JsonObject o = object(reply, "reply");
        boolean success = switch (o.memberIgnoringCase("success")) {
            case null -> false;
            case JsonNull n -> false;
            case JsonBool(boolean b) -> b;
            case JsonValue v -> throw wrongType("reply.success", v, "boolean");
        };
        String err = string(o.memberIgnoringCase("err"), "reply.err");
        JsonValue result = o.memberIgnoringCase("result");
        return new Envelope(success, err, result == null ? JsonNull.INSTANCE : result);
    }

    static Snapshot exportResult(JsonValue result) throws BadReply {
        JsonObject r = object(result, "result");
        JsonValue s = r.memberIgnoringCase("snapshot");
        if (s == null) {
            throw new BadReply("result.snapshot is missing");
        }
        if (s instanceof JsonNull) {
            throw new BadReply("result.snapshot is null");
        }
        JsonObject snapshot = object(s, "result.snapshot");
        Instant when = GO_ZERO_TIME;
        ZoneId zone = ZoneOffset.UTC;
        JsonValue w = snapshot.memberIgnoringCase("when");
        if (w != null && !(w instanceof JsonNull)) {
            String text = string(w, "result.snapshot.when");
            try {
                OffsetDateTime t = WhenText.parse(text);
                when = t.toInstant();
                zone = WhenText.zoneOf(t);
            } catch (DateTimeParseException e) {
                throw new BadReply("result.snapshot.when: '" + text + "' is not an RFC 3339 time");
            }
        }
        List<Data> data = list(snapshot.memberIgnoringCase("data"), "result.snapshot.data", ReplyDecoder::data);
        return new Snapshot(when, data, zone, OptionalLong.empty());
    }

    static Savings.Known savingsResult(JsonValue result) throws BadReply {
        JsonObject o = object(result, "result");
        return new Savings.Known(int64(o.memberIgnoringCase("CPUTimeSaved"), "result.CPUTimeSaved"),
                int64(o.memberIgnoringCase("WallTimeSaved"), "result.WallTimeSaved"));
    }

    /** One element of {@code data}; error paths are relative to it (see {@link BadReply#under}). */
    private static Data data(JsonValue v) throws BadReply {
        if (v instanceof JsonNull) {
            throw new BadReply(" is null");
        }
        JsonObject o = object(v, "");
        JsonValue m = o.memberIgnoringCase("metric");
        if (m == null || m instanceof JsonNull) {
            throw new BadReply(".metric is " + (m == null ? "missing" : "null"));
        }
        JsonObject mo = object(m, ".metric");
        long type = int64(mo.memberIgnoringCase("type"), ".metric.type");
        if (type != (int) type) {
            throw new BadReply(".metric.type: " + type + " is outside the int range");
        }
        Metric metric = new Metric(string(mo.memberIgnoringCase("name"), ".metric.name"), (int) type,
                string(mo.memberIgnoringCase("help"), ".metric.help"));
        Map<String, String> labels = labels(o.memberIgnoringCase("labels"));
        JsonValue external = o.memberIgnoringCase("external_labels");
        if (external != null && !(external instanceof JsonNull)) {
            throw new BadReply(".external_labels: a sandbox may not send external labels (metric "
                    + metric.name() + ")");
        }
        JsonValue val = present(o.memberIgnoringCase("val"));
        JsonValue histogram = present(o.memberIgnoringCase("histogram"));
        if ((val == null) == (histogram == null)) {
            throw new BadReply(": invalid number of value fields specified: " + (val == null ? 0 : 2)
                    + " (exactly one of val and histogram is required, metric " + metric.name() + ")");
        }
        if (val != null) {
            return new Data(metric, labels, Map.of(), number(val, ".val"), null);
        }
        try {
            return new Data(metric, labels, Map.of(), null, histogram(histogram));
        } catch (BadReply e) {
            throw e.under(".histogram");
        }
    }

    /** A {@code histogram} value; error paths are relative to it. */
    private static Histogram histogram(JsonValue v) throws BadReply {
        JsonObject o = object(v, "");
        List<Bucket> buckets = list(o.memberIgnoringCase("buckets"), ".buckets", ReplyDecoder::bucket);
        return new Histogram(number(o.memberIgnoringCase("total"), ".total"), number(o.memberIgnoringCase("min"), ".min"),
                number(o.memberIgnoringCase("max"), ".max"), number(o.memberIgnoringCase("ssd"), ".ssd"), buckets);
    }

    /** Decodes one element of a list; error paths are relative to the element. */
    @FunctionalInterface
    private interface ElementDecoder<T> {
        T decode(JsonValue element) throws BadReply;
    }

    /** A JSON array at {@code path} (absent or null is empty, as Go leaves a nil slice), element by element. */
    private static <T> List<T> list(JsonValue v, String path, ElementDecoder<T> decoder) throws BadReply {
        List<T> out = new ArrayList<>();
        if (v == null || v instanceof JsonNull) {
            return out;
        }
        if (!(v instanceof JsonArray array)) {
            throw wrongType(path, v, "array");
        }
        for (int i = 0; i < array.elements().size(); i++) {
            try {
                out.add(decoder.decode(array.elements().get(i)));
            } catch (BadReply e) {
                throw e.under(path + "[" + i + "]");
            }
        }
        return out;
    }

    private static Bucket bucket(JsonValue e) throws BadReply {
        if (e instanceof JsonNull) {
            throw new BadReply(" is null");
        }
        JsonObject bucket = object(e, "");
        return new Bucket(number(bucket.memberIgnoringCase("le"), ".le"), uint64(bucket.memberIgnoringCase("n"), ".n"));
    }

    /** A Number struct at {@code path} (a constant, so that nothing is built unless it fails). */
    private static NumberValue number(JsonValue v, String path) throws BadReply {
        try {
            return number(v);
        } catch (BadReply e) {
            throw e.under(path);
        }
    }

    /** A Number struct; absent or null is zero; error paths are relative to it. */
    private static NumberValue number(JsonValue v) throws BadReply {
        if (v == null || v instanceof JsonNull) {
            return NumberValue.ZERO;
        }
        JsonObject o = object(v, "");
        long i = int64(o.memberIgnoringCase("int"), ".int");
        double f = 0;
        JsonValue fv = o.memberIgnoringCase("float");
        if (fv instanceof JsonNumber n) {
            f = n.doubleValue();
        } else if (fv != null && !(fv instanceof JsonNull)) {
            throw wrongType(".float", fv, "number");
        }
        return NumberValue.of(i, f);
    }

    /** The {@code labels} map of a data point; error paths are relative to the point. */
    private static Map<String, String> labels(JsonValue v) throws BadReply {
        if (v == null || v instanceof JsonNull) {
            return Map.of();
        }
        JsonObject o = object(v, ".labels");
        // Member names are distinct (the parser keeps the last of repeated ones), so the pairs go
        // into the label map the data point keeps, without a map in between.
        String[] pairs = new String[o.members().size() * 2];
        int i = 0;
        for (var e : o.members().entrySet()) {
            pairs[i++] = e.getKey();
            pairs[i++] = switch (e.getValue()) {
                case JsonString(String text) -> text;
                case JsonNull n -> ""; // Go leaves the zero value
                case JsonValue other -> throw wrongType(".labels." + e.getKey(), other, "string");
            };
        }
        return LabelMap.ofPairs(pairs);
    }

    /** The number of an integer field, or null when it is absent or null (Go leaves the field 0). */
    private static JsonNumber integer(JsonValue v, String path) throws BadReply {
        return switch (v) {
            case null -> null;
            case JsonNull n -> null;
            case JsonNumber n -> n;
            default -> throw wrongType(path, v, "integer");
        };
    }

    /** An int64 field; absent or null is 0, as Go leaves it. */
    private static long int64(JsonValue v, String path) throws BadReply {
        JsonNumber n = integer(v, path);
        if (n == null) {
            return 0;
        }
        try {
            return n.longValueExact();
        } catch (ArithmeticException e) {
            throw new BadReply(path + ": " + n.token() + " is not an int64");
        }
    }

    private static long uint64(JsonValue v, String path) throws BadReply {
        JsonNumber n = integer(v, path);
        if (n == null) {
            return 0;
        }
        try {
            if (!n.isInteger() || n.token().startsWith("-")) {
                throw new NumberFormatException();
            }
            return Long.parseUnsignedLong(n.token());
        } catch (NumberFormatException e) {
            throw new BadReply(path + ": " + n.token() + " is not a uint64");
        }
    }

    private static String string(JsonValue v, String path) throws BadReply {
        return switch (v) {
            case null -> "";
            case JsonNull n -> "";
            case JsonString(String s) -> s;
            default -> throw wrongType(path, v, "string");
        };
    }

    private static JsonObject object(JsonValue v, String path) throws BadReply {
        if (v instanceof JsonObject o) {
            return o;
        }
        throw wrongType(path, v, "object");
    }

    private static JsonValue present(JsonValue v) {
        return v instanceof JsonNull ? null : v;
    }


    private static BadReply wrongType(String path, JsonValue v, String expected) {
        return new BadReply(path + " is " + article(v.typeName()) + ", not " + article(expected));
    }

    private static String article(String word) {
        return ("aeiou".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
    }
}
