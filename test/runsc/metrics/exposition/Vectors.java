// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import runsc.metrics.json.Json;
import runsc.metrics.json.JsonArray;
import runsc.metrics.json.JsonNull;
import runsc.metrics.json.JsonNumber;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;
import runsc.metrics.testing.ProjectFiles;

/** Reads test/resources/samples/exposition-vectors.jsonl into model objects. */
final class Vectors {
    static final Path FILE = ProjectFiles.sample("exposition-vectors.jsonl");

    /**
     * One vector.
     *
     * @param name the case name
     * @param options header and timestamps
     * @param snapshots the snapshots in processing order
     * @param output the expected bytes
     * @param bytesWritten the expected count
     */
    record Vector(String name, WriteOptions options, List<LabeledSnapshot> snapshots,
                  String output, long bytesWritten) {
        @Override
        public String toString() {
            return name;
        }
    }

    private Vectors() {}

    static List<Vector> all() throws IOException {
        var vectors = new ArrayList<Vector>();
        for (String line : Files.readAllLines(FILE)) {
            if (!line.isBlank()) {
                vectors.add(vector((JsonObject) Json.parse(line)));
            }
        }
        return vectors;
    }

    private static Vector vector(JsonObject o) {
        JsonObject input = obj(o.get("input"));
        JsonObject exportOptions = obj(input.get("export_options"));
        // Upstream's writer takes a set of names whose preamble is already out; this one starts
        // every write with an empty set, so a vector that gives names cannot be checked.
        if (exportOptions.get("metrics_written") instanceof JsonArray a && !a.elements().isEmpty()) {
            throw new IllegalArgumentException(FILE + ": vector \"" + str(o.get("name"))
                    + "\": metrics_written is not empty, and the writer has no initial set");
        }
        var snapshots = new ArrayList<LabeledSnapshot>();
        for (JsonValue s : ((JsonArray) input.get("snapshots")).elements()) {
            JsonObject so = obj(s);
            var data = new ArrayList<Data>();
            for (JsonValue d : ((JsonArray) so.get("data")).elements()) {
                data.add(data(obj(d)));
            }
            JsonObject options = obj(so.get("options"));
            snapshots.add(new LabeledSnapshot(new Snapshot(Instant.parse(str(so.get("when"))), data),
                    new PrefixAndLabels(str(options.get("exporter_prefix")), labels(options.get("extra_labels")))));
        }
        JsonObject expected = obj(o.get("expected"));
        return new Vector(str(o.get("name")), new WriteOptions(str(exportOptions.get("comment_header")), true),
                snapshots, str(expected.get("output")),
                ((JsonNumber) expected.get("bytes_written")).longValueExact());
    }

    private static Data data(JsonObject d) {
        JsonObject m = obj(d.get("metric"));
        int type = switch (str(m.get("type"))) {
            case "untyped" -> 0;
            case "gauge" -> 1;
            case "counter" -> 2;
            case "histogram" -> 3;
            default -> Integer.parseInt(str(m.get("type")));
        };
        Metric metric = new Metric(str(m.get("name")), type, str(m.get("help")));
        Histogram histogram = null;
        if (d.get("histogram") instanceof JsonObject h) {
            var buckets = new ArrayList<Bucket>();
            for (JsonValue b : ((JsonArray) h.get("buckets")).elements()) {
                JsonObject bo = obj(b);
                buckets.add(new Bucket(number(bo.get("le")), ((JsonNumber) bo.get("n")).longValueExact()));
            }
            histogram = new Histogram(number(h.get("total")), number(h.get("min")), number(h.get("max")),
                    number(h.get("ssd")), buckets);
        }
        NumberValue number = d.get("number") instanceof JsonObject n ? number(n) : null;
        return new Data(metric, labels(d.get("labels")), labels(d.get("external_labels")), number, histogram);
    }

    static NumberValue number(JsonValue v) {
        JsonObject o = obj(v);
        if (o.get("float") instanceof JsonString s) {
            return NumberValue.ofFloat(switch (s.value()) {
                case "NaN" -> Double.NaN;
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> throw new IllegalArgumentException(s.value());
            });
        }
        if (o.get("float") instanceof JsonNumber f) {
            return NumberValue.ofFloat(f.doubleValue());
        }
        if (o.get("int") instanceof JsonNumber i) {
            return NumberValue.ofInt(i.longValueExact());
        }
        return NumberValue.ZERO;
    }

    private static Map<String, String> labels(JsonValue v) {
        var map = new LinkedHashMap<String, String>();
        if (v == null || v instanceof JsonNull) {
            return map;
        }
        obj(v).members().forEach((k, val) -> map.put(k, str(val)));
        return map;
    }

    private static JsonObject obj(JsonValue v) {
        return (JsonObject) v;
    }

    private static String str(JsonValue v) {
        return ((JsonString) v).value();
    }
}
