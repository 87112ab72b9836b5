// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import runsc.metrics.exposition.Bucket;
import runsc.metrics.exposition.Data;
import runsc.metrics.exposition.Histogram;
import runsc.metrics.exposition.Metric;
import runsc.metrics.exposition.MetricType;
import runsc.metrics.exposition.NumberValue;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.json.Json;
import runsc.metrics.json.JsonLimits;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;
import runsc.metrics.sim.SnapshotJson;

/**
 * The tree-less reader of {@code Metrics.Export} replies answers exactly what the tree decoder
 * would, and declines (leaving the reply to the tree, which then accepts it or words the error)
 * whatever it is not sure of.
 */
class ExportReplyReaderTest {
    private static final JsonLimits LIMITS = new JsonLimits(ControlClient.MAX_REPLY_DEPTH, 1 << 20,
            JsonLimits.DuplicateKeys.KEEP_LAST);

    /** What the tree path makes of a reply: the snapshot, or the error text. */
    private static Object tree(byte[] reply) {
        try {
            ReplyDecoder.Envelope e = ReplyDecoder.envelope(Json.parse(reply, LIMITS));
            if (!e.success()) {
                return "remote error: " + e.err();
            }
            return ReplyDecoder.exportResult(e.result());
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static Snapshot fast(String reply) {
        byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
        return ExportReplyReader.read(bytes, 0, bytes.length);
    }

    /** The reader either declines or agrees with the tree, which must then have succeeded. */
    private static void agrees(String reply) {
        Snapshot ours = fast(reply);
        if (ours != null) {
            assertEquals(tree(reply.getBytes(StandardCharsets.UTF_8)), ours, reply);
        }
    }

    private static String envelope(String result) {
        return "{\"success\":true,\"err\":\"\",\"result\":" + result + "}";
    }

    private static final Metric COUNTER = new Metric("fs_opens", MetricType.COUNTER, "Number of file opens.");
    private static final Metric GAUGE = new Metric("mem_usage", MetricType.GAUGE, "Memory in use.");
    private static final Metric HIST = new Metric("latency", MetricType.HISTOGRAM, "Latency of things.");

    /** A reply as the simulator writes one: numbers, floats, labels, histograms with an infinite bound. */
    static String simulatorReply(Random random) {
        List<Data> data = new ArrayList<>();
        data.add(Data.ofNumber(COUNTER, Map.of(), NumberValue.ofInt(random.nextLong(1L << 40))));
        data.add(Data.ofNumber(GAUGE, Map.of(), NumberValue.ofFloat(random.nextDouble() * 1e6)));
        var labels = new LinkedHashMap<String, String>();
        labels.put("sysno", "read");
        labels.put("operation", "op" + random.nextInt(5));
        data.add(Data.ofNumber(COUNTER, labels, NumberValue.ofInt(-random.nextInt(1000))));
        List<Bucket> buckets = List.of(new Bucket(NumberValue.ofInt(0), random.nextInt(10)),
                new Bucket(NumberValue.ofInt(1000), random.nextLong(1L << 50)),
                new Bucket(NumberValue.ofFloat(Double.POSITIVE_INFINITY), 3));
        data.add(Data.ofHistogram(HIST, Map.of("op", "x"), new Histogram(NumberValue.ofInt(random.nextInt(100_000)),
                NumberValue.ofInt(1), NumberValue.ofInt(999), NumberValue.ofFloat(12.25), buckets)));
        Instant when = Instant.ofEpochSecond(1_700_000_000L + random.nextInt(1 << 20), random.nextInt(1_000_000_000));
        JsonObject result = SnapshotJson.result(new Snapshot(when, data));
        Map<String, JsonValue> reply = new LinkedHashMap<>();
        reply.put("success", runsc.metrics.json.JsonBool.TRUE);
        reply.put("err", new JsonString(""));
        reply.put("result", result);
        return Json.write(new JsonObject(reply));
    }

    @Test
    void readsWhatTheSimulatorSendsAsTheTreeDoes() {
        Random random = new Random(3);
        for (int i = 0; i < 200; i++) {
            String reply = simulatorReply(random);
            Snapshot ours = fast(reply);
            assertNotNull(ours, reply);
            assertEquals(tree(reply.getBytes(StandardCharsets.UTF_8)), ours);
            assertEquals(4, ours.data().size());
        }
    }

    @Test
    void matchesNamesIgnoringCaseAndTheLastMatchWins() {
        String reply = "{\"SUCCESS\":false,\"Success\":true,\"result\":{\"snapshot\":{\"when\":\"2026-01-01T00:00:00Z\","
                + "\"Data\":[],\"data\":[{\"Metric\":{\"name\":\"a\",\"NAME\":\"b\",\"Type\":1,\"help\":null},"
                + "\"val\":{\"int\":3},\"VAL\":null,\"Histogram\":null,\"histogram\":{\"total\":{\"Int\":7},\"buckets\":null},"
                + "\"labels\":{\"k\":\"v\",\"K\":null},\"external_labels\":null,\"extra\":[1,{\"x\":[true,false,null]},-0.5e-3]}],"
                + "\"other\":{}},\"x\":\"y\"},\"err\":null,\"unknown\":12}";
        Snapshot s = fast(reply);
        assertNotNull(s);
        assertEquals(tree(reply.getBytes(StandardCharsets.UTF_8)), s);
        Data d = s.data().get(0);
        assertEquals("b", d.metric().name());
        assertEquals(Map.of("k", "v", "K", ""), d.labels());
        assertNull(d.number(), "val was null last");
        assertEquals(NumberValue.ofInt(7), d.histogram().total());
        agrees(envelope("{\"snapshot\":{}}"));
        assertEquals(0, fast(envelope("{\"snapshot\":{\"when\":null,\"data\":null}}")).data().size());
        assertEquals(ReplyDecoder.GO_ZERO_TIME, fast(envelope("{\"snapshot\":{\"when\":\"2026-01-01T00:00:00+01:00\",\"when\":null}}")).when());
    }

    @Test
    void declinesWhatItIsNotSureOfAndTheTreeDecides() {
        for (String reply : List.of(
                "{\"success\":false,\"err\":\"boom\",\"result\":null}",
                "{\"success\":true}",
                envelope("null"),
                envelope("{}"),
                envelope("{\"snapshot\":null}"),
                envelope("{\"snapshot\":{\"when\":\"not a time\"}}"),
                envelope("{\"snapshot\":{\"when\":\"2026-01-01T00:00:00\\u005a\"}}"),
                envelope("{\"snapshot\":{\"data\":[null]}}"),
                envelope("{\"snapshot\":{\"data\":{}}}"),
                envelope("{\"snapshot\":{\"data\":[{\"metric\":{\"name\":\"m\"}}]}}"),
                envelope("{\"snapshot\":{\"data\":[{\"metric\":{\"name\":\"m\"},\"val\":{},\"histogram\":{}}]}}"),
                envelope("{\"snapshot\":{\"data\":[{\"val\":{}}]}}"),
                envelope("{\"snapshot\":{\"data\":[{\"metric\":{\"name\":\"m\",\"type\":4294967296},\"val\":{}}]}}"),
                envelope("{\"snapshot\":{\"data\":[{\"metric\":{\"name\":\"m\"},\"val\":{\"int\":1.5}}]}}"),
                envelope("{\"snapshot\":{\"data\":[{\"metric\":{\"name\":\"m\"},\"val\":{\"int\":9223372036854775807}}]}}"),
                envelope("{\"snapshot\":{\"data\":[{\"metric\":{\"name\":\"m\"},\"val\":{\"int\":01}}]}}"),
                envelope("{\"snapshot\":{\"data\":[{\"metric\":{\"name\":\"m\"},\"val\":{\"float\":\"1\"}}]}}"),
                envelope("{\"snapshot\":{\"data\":[{\"metric\":{\"name\":\"m\\u00e9\"},\"val\":{}}]}}"),
                envelope("{\"snapshot\":{\"data\":[{\"metric\":{\"name\":\"m\"},\"val\":{},\"labels\":{\"a\":\"1\",\"a\":\"2\"}}]}}"),
                envelope("{\"snapshot\":{\"data\":[{\"metric\":{\"name\":\"m\"},\"val\":{},\"labels\":{\"a\":1}}]}}"),
                envelope("{\"snapshot\":{\"data\":[{\"metric\":{\"name\":\"m\"},\"val\":{},\"external_labels\":{}}]}}"),
                envelope("{\"snapshot\":{\"data\":[{\"metric\":{\"name\":\"m\"},\"histogram\":{\"buckets\":[null]}}]}}"),
                envelope("{\"snapshot\":{\"data\":[{\"metric\":{\"name\":\"m\"},\"histogram\":{\"buckets\":[{\"n\":-1}]}}]}}"),
                envelope("{\"snapshot\":{\"data\":[],\"x\":nul}}"),
                envelope("{\"snapshot\":{\"data\":[],\"x\":truex}}"),
                envelope("{\"snapshot\":{\"data\":[],\"x\":[1,]}}"),
                envelope("{\"snapshot\":{\"data\":[],\"x\":\"tab\there\"}}"),
                envelope("{\"snapshot\":{}}") + " x")) {
            assertNull(fast(reply), reply);
        }
    }

    @Test
    void declinesOrAgreesOnEveryMutationOfARealReply() {
        Random random = new Random(11);
        String alphabet = "{}[],:\"\\ 0123456789-+.eEtrufalsn\tXz\u00e9";
        int answered = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder reply = new StringBuilder(simulatorReply(random));
            for (int k = 1 + random.nextInt(3); k > 0; k--) {
                int at = random.nextInt(reply.length());
                switch (random.nextInt(3)) {
                    case 0 -> reply.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> reply.deleteCharAt(at);
                    default -> reply.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            String text = reply.toString();
            Snapshot ours = fast(text);
            if (ours != null) {
                answered++;
                assertEquals(tree(text.getBytes(StandardCharsets.UTF_8)), ours, text);
            }
        }
        assertTrue(answered > 1000, "some mutations leave a reply the reader takes: " + answered);
    }
}
