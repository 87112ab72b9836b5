// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import runsc.metrics.exposition.Bucket;
import runsc.metrics.exposition.Data;
import runsc.metrics.exposition.Histogram;
import runsc.metrics.exposition.NumberValue;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.gotext.GoText;
import runsc.metrics.json.JsonArray;
import runsc.metrics.json.JsonNumber;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;

/**
 * Encodes a snapshot as the result of {@code Metrics.Export}, key for key as a real sandbox's Go
 * encoder writes it: {@code {"snapshot":{"when":..,"data":[..]}}}, {@code data} left out when empty,
 * {@code labels} and {@code external_labels} left out when empty, a number as {@code {}},
 * {@code {"int":N}} or {@code {"float":F}} (Go float text), a bucket's {@code n} left out when 0 and
 * {@code buckets} when there are none.
 *
 * <p>Go cannot encode an infinite float, so a real sandbox cannot send a histogram at all (its
 * overflow bucket's bound is +Inf). This simulator writes ±Inf as the number token
 * {@value #POSITIVE_INFINITY_TOKEN} (or its negation), which is valid JSON and reads back as ±Inf in
 * Java; the control client accepts it. NaN has no such form: encoding fails, and the sandbox closes
 * the connection without a reply, as a real one does when its encoder fails.
 */
public final class SnapshotJson {

    /** The token that stands for +Inf: a valid JSON number that overflows a float64. */
    public static final String POSITIVE_INFINITY_TOKEN = "1e+999";

    private SnapshotJson() {}

    /**
     * {@return the {@code Metrics.Export} result for {@code snapshot}}
     *
     * @param snapshot the snapshot
     * @throws IllegalArgumentException if a value is NaN (not encodable)
     */
    public static JsonObject result(Snapshot snapshot) {
        Map<String, JsonValue> body = new LinkedHashMap<>();
        body.put("when", new JsonString(rfc3339Nano(snapshot.when())));
        if (!snapshot.data().isEmpty()) {
            List<JsonValue> data = new ArrayList<>(snapshot.data().size());
            for (Data d : snapshot.data()) {
                data.add(data(d));
            }
            body.put("data", new JsonArray(data));
        }
        return new JsonObject(Map.of("snapshot", new JsonObject(body)));
    }

    /**
     * {@return the Go {@code time.RFC3339Nano} text of {@code when} in UTC: nine fraction digits with
     * trailing zeros removed, and no fraction at all when it is zero}
     *
     * @param when the instant
     */
    public static String rfc3339Nano(Instant when) {
        return GoText.formatRfc3339Nano(when);
    }

    static JsonObject data(Data d) {
        Map<String, JsonValue> out = new LinkedHashMap<>();
        Map<String, JsonValue> metric = new LinkedHashMap<>();
        metric.put("name", new JsonString(d.metric().name()));
        metric.put("type", JsonNumber.of(d.metric().typeCode()));
        metric.put("help", new JsonString(d.metric().help()));
        out.put("metric", new JsonObject(metric));
        if (!d.labels().isEmpty()) {
            out.put("labels", stringMap(d.labels()));
        }
        if (!d.externalLabels().isEmpty()) {
            out.put("external_labels", stringMap(d.externalLabels()));
        }
        if (d.number() != null) {
            out.put("val", number(d.number()));
        } else {
            out.put("histogram", histogram(d.histogram()));
        }
        return new JsonObject(out);
    }

    static JsonObject number(NumberValue n) {
        return switch (n) {
            case NumberValue.IntValue(long v) -> v == 0 ? JsonObject.EMPTY
                    : new JsonObject(Map.of("int", JsonNumber.of(v)));
            case NumberValue.FloatValue(double v) -> new JsonObject(Map.of("float", floatToken(v)));
        };
    }

    private static JsonNumber floatToken(double v) {
        if (Double.isNaN(v)) {
            throw new IllegalArgumentException("json: unsupported value: NaN");
        }
        if (Double.isInfinite(v)) {
            return new JsonNumber(v > 0 ? POSITIVE_INFINITY_TOKEN : "-" + POSITIVE_INFINITY_TOKEN);
        }
        return JsonNumber.of(v);
    }

    private static JsonObject histogram(Histogram h) {
        Map<String, JsonValue> out = new LinkedHashMap<>();
        out.put("total", number(h.total()));
        out.put("min", number(h.min()));
        out.put("max", number(h.max()));
        out.put("ssd", number(h.ssd()));
        if (!h.buckets().isEmpty()) {
            List<JsonValue> buckets = new ArrayList<>(h.buckets().size());
            for (Bucket b : h.buckets()) {
                Map<String, JsonValue> bucket = new LinkedHashMap<>();
                bucket.put("le", number(b.upperBound()));
                if (b.samples() != 0) {
                    bucket.put("n", new JsonNumber(Long.toUnsignedString(b.samples())));
                }
                buckets.add(new JsonObject(bucket));
            }
            out.put("buckets", new JsonArray(buckets));
        }
        return new JsonObject(out);
    }

    private static JsonObject stringMap(Map<String, String> map) {
        Map<String, JsonValue> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, new JsonString(v)));
        return new JsonObject(out);
    }

}
