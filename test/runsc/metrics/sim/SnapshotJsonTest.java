// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import runsc.metrics.exposition.Bucket;
import runsc.metrics.exposition.Data;
import runsc.metrics.exposition.Histogram;
import runsc.metrics.exposition.Metric;
import runsc.metrics.exposition.MetricType;
import runsc.metrics.exposition.NumberValue;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.json.Json;

class SnapshotJsonTest {
    private static final Instant WHEN = Instant.parse("2026-11-25T03:39:12.063723820Z");

    @Test
    void formatsTimesAsGoRfc3339NanoWithTrailingZerosTrimmed() {
        assertEquals("2026-11-25T03:39:12.06372382Z", SnapshotJson.rfc3339Nano(WHEN));
        assertEquals("2026-11-25T03:39:12Z", SnapshotJson.rfc3339Nano(Instant.parse("2026-11-25T03:39:12Z")));
        assertEquals("2026-11-25T03:39:12.000000001Z", SnapshotJson.rfc3339Nano(Instant.parse("2026-11-25T03:39:12.000000001Z")));
        assertEquals("0001-01-01T00:00:00Z", SnapshotJson.rfc3339Nano(Instant.parse("0001-01-01T00:00:00Z")));
    }

    @Test
    void leavesOutEmptyDataAndEncodesNumbersAsGoDoes() {
        assertEquals("{\"snapshot\":{\"when\":\"2026-11-25T03:39:12.06372382Z\"}}",
                Json.write(SnapshotJson.result(new Snapshot(WHEN, List.of()))));
        Metric gauge = new Metric("g", MetricType.GAUGE, "A gauge.");
        Snapshot s = new Snapshot(WHEN, List.of(
                Data.ofNumber(gauge, Map.of(), NumberValue.ZERO),
                Data.ofNumber(gauge, Map.of("k", "v"), NumberValue.ofInt(-3)),
                Data.ofNumber(gauge, Map.of(), NumberValue.ofFloat(1e-7)),
                Data.ofNumber(gauge, Map.of(), NumberValue.ofFloat(2.5)),
                new Data(gauge, Map.of(), Map.of("x", "y"), NumberValue.ofInt(1), null)));
        assertEquals("{\"snapshot\":{\"when\":\"2026-11-25T03:39:12.06372382Z\",\"data\":["
                + "{\"metric\":{\"name\":\"g\",\"type\":1,\"help\":\"A gauge.\"},\"val\":{}},"
                + "{\"metric\":{\"name\":\"g\",\"type\":1,\"help\":\"A gauge.\"},\"labels\":{\"k\":\"v\"},\"val\":{\"int\":-3}},"
                + "{\"metric\":{\"name\":\"g\",\"type\":1,\"help\":\"A gauge.\"},\"val\":{\"float\":1e-7}},"
                + "{\"metric\":{\"name\":\"g\",\"type\":1,\"help\":\"A gauge.\"},\"val\":{\"float\":2.5}},"
                + "{\"metric\":{\"name\":\"g\",\"type\":1,\"help\":\"A gauge.\"},\"external_labels\":{\"x\":\"y\"},\"val\":{\"int\":1}}"
                + "]}}", Json.write(SnapshotJson.result(s)));
    }

    @Test
    void encodesHistogramsWithTheInfiniteBoundAsAnOverflowingToken() {
        Metric h = new Metric("h", MetricType.HISTOGRAM, "A histogram.");
        Histogram value = new Histogram(NumberValue.ofInt(30), NumberValue.ofInt(5), NumberValue.ofInt(25),
                NumberValue.ofFloat(200), List.of(new Bucket(NumberValue.ZERO, 0), new Bucket(NumberValue.ofInt(10), 1),
                new Bucket(NumberValue.ofFloat(Double.POSITIVE_INFINITY), -1)));
        assertEquals("{\"metric\":{\"name\":\"h\",\"type\":3,\"help\":\"A histogram.\"},\"histogram\":{\"total\":{\"int\":30},"
                + "\"min\":{\"int\":5},\"max\":{\"int\":25},\"ssd\":{\"float\":200},\"buckets\":[{\"le\":{}},"
                + "{\"le\":{\"int\":10},\"n\":1},{\"le\":{\"float\":1e+999},\"n\":18446744073709551615}]}}",
                Json.write(SnapshotJson.data(Data.ofHistogram(h, Map.of(), value))));
    }

    @Test
    void refusesToEncodeNaNAsGoDoes() {
        Metric g = new Metric("g", MetricType.GAUGE, "A gauge.");
        Snapshot s = new Snapshot(WHEN, List.of(Data.ofNumber(g, Map.of(), NumberValue.ofFloat(Double.NaN))));
        assertEquals("json: unsupported value: NaN",
                assertThrows(IllegalArgumentException.class, () -> SnapshotJson.result(s)).getMessage());
    }
}
