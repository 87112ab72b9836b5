// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelTest {
    static final Metric GAUGE = new Metric("g", MetricType.GAUGE, "");

    @Test
    void hasOneZero() {
        assertSame(NumberValue.ZERO, NumberValue.ofFloat(0.0));
        assertSame(NumberValue.ZERO, NumberValue.ofFloat(-0.0));
        assertSame(NumberValue.ZERO, NumberValue.ofInt(0));
        assertThrows(IllegalArgumentException.class, () -> new NumberValue.FloatValue(-0.0));
        assertTrue(NumberValue.ZERO.isZero());
        assertFalse(NumberValue.ofFloat(Double.MIN_VALUE).isZero());
    }

    @Test
    void readsGoNumbersWithTheFloatWinningWhenNonZero() {
        assertEquals(NumberValue.ofInt(3), NumberValue.of(3, 0.0));
        assertEquals(NumberValue.ofFloat(2.5), NumberValue.of(3, 2.5));
        assertSame(NumberValue.ZERO, NumberValue.of(0, -0.0));
    }

    @Test
    void printsNumbersByKindAsGoDoes() {
        assertEquals("0", NumberValue.ofFloat(-0.0).toString());
        assertEquals("7", NumberValue.ofInt(7).toString());
        assertEquals("-9223372036854775808", NumberValue.ofInt(Long.MIN_VALUE).toString());
        assertEquals("7.000000", NumberValue.ofFloat(7).toString());
        assertEquals("0.100000", NumberValue.ofFloat(0.1).toString());
    }

    @Test
    void comparesIntAndFloatStructurally() {
        assertNotEquals(NumberValue.ofInt(2), NumberValue.ofFloat(2.0));
        assertEquals(NumberValue.ofFloat(Double.POSITIVE_INFINITY), NumberValue.ofFloat(Double.POSITIVE_INFINITY));
    }

    @Test
    void tellsIntegersApart() {
        assertTrue(NumberValue.ofInt(Long.MIN_VALUE).isInteger());
        assertTrue(NumberValue.ofFloat(-0x1p63).isInteger());
        assertFalse(NumberValue.ofFloat(0x1p63).isInteger());
        assertTrue(NumberValue.ofFloat(1e18).isInteger());
        assertFalse(NumberValue.ofFloat(0.5).isInteger());
        assertFalse(NumberValue.ofFloat(Double.NaN).isInteger());
        assertFalse(NumberValue.ofFloat(Double.POSITIVE_INFINITY).isInteger());
    }

    @Test
    void treatsZeroAsEitherKind() {
        assertTrue(NumberValue.ZERO.sameKind(NumberValue.ofFloat(1.5)));
        assertTrue(NumberValue.ofFloat(1.5).sameKind(NumberValue.ZERO));
        assertTrue(NumberValue.ofInt(1).sameKind(NumberValue.ofInt(2)));
        assertFalse(NumberValue.ofInt(1).sameKind(NumberValue.ofFloat(2)));
    }

    @Test
    void keepsUnknownMetricTypeCodes() {
        assertEquals(Optional.empty(), new Metric("x", 7, "").type());
        assertEquals(Optional.of(MetricType.HISTOGRAM), new Metric("x", 3, "").type());
        assertEquals(new Metric("x", MetricType.COUNTER, "h"), new Metric("x", 2, "h"));
        assertEquals(Optional.empty(), ValueType.ofCode(2));
        assertEquals(Optional.of(ValueType.DISTRIBUTION), ValueType.ofCode(1));
    }

    @Test
    void requiresExactlyOneValue() {
        var h = new Histogram(NumberValue.ZERO, NumberValue.ZERO, NumberValue.ZERO, NumberValue.ZERO, List.of());
        assertEquals("metric g: exactly one of number and histogram must be given", assertThrows(
                IllegalArgumentException.class, () -> new Data(GAUGE, Map.of(), Map.of(), null, null)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Data(GAUGE, Map.of(), Map.of(), NumberValue.ZERO, h));
    }

    @Test
    void copiesLabelsKeepingTheirOrder() {
        var labels = new LinkedHashMap<String, String>();
        labels.put("z", "1");
        labels.put("a", "2");
        Data d = new Data(GAUGE, labels, null, NumberValue.ZERO, null);
        labels.put("m", "3");
        assertEquals(List.of("z", "a"), new ArrayList<>(d.labels().keySet()));
        assertEquals(Map.of(), d.externalLabels());
        assertThrows(UnsupportedOperationException.class, () -> d.labels().put("b", "4"));
        var withNull = new HashMap<String, String>();
        withNull.put("k", null);
        assertThrows(NullPointerException.class, () -> new PrefixAndLabels("", withNull));
    }

    @Test
    void sumsBucketCountsAsUint64() {
        var h = new Histogram(NumberValue.ZERO, NumberValue.ZERO, NumberValue.ZERO, NumberValue.ZERO,
                List.of(new Bucket(NumberValue.ZERO, -1), new Bucket(NumberValue.ofFloat(Double.POSITIVE_INFINITY), 2)));
        assertEquals(1, h.count());
    }

    @Test
    void copiesSnapshotData() {
        var data = new ArrayList<Data>(List.of(Data.ofNumber(GAUGE, Map.of(), NumberValue.ZERO)));
        var s = new Snapshot(Instant.EPOCH, data);
        data.clear();
        assertEquals(1, s.data().size());
    }
}
