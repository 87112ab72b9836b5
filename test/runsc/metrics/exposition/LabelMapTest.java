// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class LabelMapTest {
    private static final Metric GAUGE = new Metric("g", MetricType.GAUGE, "");

    @Test
    void copiesInIterationOrderAndIsNotCopiedAgain() {
        var labels = new LinkedHashMap<String, String>();
        labels.put("z", "1");
        labels.put("a", "2");
        labels.put("m", "3");
        Map<String, String> copy = LabelMap.copyOf(labels, "label");
        labels.put("b", "4");
        assertEquals(List.of("z", "a", "m"), new ArrayList<>(copy.keySet()));
        assertEquals(List.of("1", "2", "3"), new ArrayList<>(copy.values()));
        assertSame(copy, LabelMap.copyOf(copy, "label"));
        Data d = new Data(GAUGE, copy, copy, NumberValue.ZERO, null);
        assertSame(copy, d.labels(), "a data point keeps a label map as it is");
        assertSame(copy, d.externalLabels());
        assertSame(copy, new PrefixAndLabels("p_", copy).extraLabels());
    }

    @Test
    void keepsMapOfOneAndEmptyMapsAsTheyAre() {
        Map<String, String> one = Map.of("capability", "CHOWN");
        assertSame(one, LabelMap.copyOf(one, "label"));
        assertSame(Map.of(), LabelMap.copyOf(new HashMap<>(), "label"));
        assertSame(Map.of(), LabelMap.copyOf(null, "label"));
        Map<String, String> two = Map.of("a", "1", "b", "2");
        assertNotSame(two, LabelMap.copyOf(two, "label"), "Map.of of two has no order of its own: copied");
    }

    @Test
    void readsLikeAnyMap() {
        Map<String, String> m = LabelMap.ofPairs("k", "v", "a", "");
        assertEquals(2, m.size());
        assertEquals("v", m.get("k"));
        assertEquals("", m.get("a"));
        assertNull(m.get("missing"));
        assertNull(m.get(42));
        assertTrue(m.containsKey("a"));
        assertFalse(m.containsKey("v"));
        assertEquals(Map.of("a", "", "k", "v"), m);
        assertEquals(m, Map.of("a", "", "k", "v"));
        assertEquals(Map.of("a", "", "k", "v").hashCode(), m.hashCode());
        assertEquals("{k=v, a=}", m.toString());
        List<String> seen = new ArrayList<>();
        m.forEach((k, v) -> seen.add(k + "=" + v));
        assertEquals(List.of("k=v", "a="), seen);
        Iterator<Map.Entry<String, String>> it = m.entrySet().iterator();
        it.next();
        it.next();
        assertThrows(NoSuchElementException.class, it::next);
    }

    @Test
    void cannotBeChanged() {
        Map<String, String> m = LabelMap.ofPairs("k", "v");
        assertThrows(UnsupportedOperationException.class, () -> m.put("b", "4"));
        assertThrows(UnsupportedOperationException.class, () -> m.remove("k"));
        assertThrows(UnsupportedOperationException.class, m::clear);
        assertThrows(UnsupportedOperationException.class, () -> m.entrySet().iterator().next().setValue("w"));
        Map<String, String> copied = LabelMap.copyOf(new LinkedHashMap<>(Map.of("a", "1", "b", "2")), "label");
        assertThrows(UnsupportedOperationException.class, () -> copied.put("c", "3"));
    }

    @Test
    void refusesNullsOddPairsAndRepeatedKeys() {
        var withNullValue = new HashMap<String, String>();
        withNullValue.put("k", null);
        withNullValue.put("j", "1");
        assertEquals("label value", assertThrows(NullPointerException.class,
                () -> LabelMap.copyOf(withNullValue, "label")).getMessage());
        var withNullKey = new HashMap<String, String>();
        withNullKey.put(null, "v");
        withNullKey.put("j", "1");
        assertEquals("extra label key", assertThrows(NullPointerException.class,
                () -> LabelMap.copyOf(withNullKey, "extra label")).getMessage());
        assertThrows(NullPointerException.class, () -> LabelMap.ofPairs("k", null));
        assertEquals("an odd number of keys and values: 3",
                assertThrows(IllegalArgumentException.class, () -> LabelMap.ofPairs("a", "1", "b")).getMessage());
        assertEquals("label a is given twice",
                assertThrows(IllegalArgumentException.class, () -> LabelMap.ofPairs("a", "1", "b", "2", "a", "3")).getMessage());
        assertSame(Map.of(), LabelMap.ofPairs());
    }

    @Test
    void hashesLargeMapsAndStillRefusesRepeatedKeys() {
        int n = LabelMap.MAX_SCANNED + 1;
        String[] pairs = new String[n * 2];
        var expected = new LinkedHashMap<String, String>();
        for (int i = 0; i < n; i++) {
            pairs[2 * i] = "k" + (n - i);
            pairs[2 * i + 1] = "v" + i;
            expected.put(pairs[2 * i], pairs[2 * i + 1]);
        }
        Map<String, String> large = LabelMap.ofPairs(pairs.clone());
        assertFalse(large instanceof LabelMap, "more than MAX_SCANNED labels are hashed");
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(large.keySet()));
        assertEquals(expected, large);
        assertFalse(LabelMap.copyOf(expected, "label") instanceof LabelMap);
        assertEquals(new ArrayList<>(expected.entrySet()), new ArrayList<>(LabelMap.copyOf(expected, "label").entrySet()));
        pairs[pairs.length - 2] = pairs[0];
        assertEquals("label " + pairs[0] + " is given twice",
                assertThrows(IllegalArgumentException.class, () -> LabelMap.ofPairs(pairs)).getMessage());
        assertInstanceOf(LabelMap.class, LabelMap.ofPairs("a", "1"));
    }
}
