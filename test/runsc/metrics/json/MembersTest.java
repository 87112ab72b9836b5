// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MembersTest {
    private static JsonObject parse(String text) throws JsonException {
        return (JsonObject) Json.parse(text);
    }

    @Test
    void behavesAsAnOrderedMapBelowAndAboveTheIndexSize() throws JsonException {
        for (int n : new int[] {0, 1, Members.INDEX_FROM - 1, Members.INDEX_FROM, 40}) {
            var expected = new LinkedHashMap<String, JsonValue>();
            var text = new StringBuilder("{");
            for (int i = n - 1; i >= 0; i--) { // descending, so that order is not sorted order
                expected.put("k" + i, new JsonNumber(Integer.toString(i)));
                text.append(text.length() > 1 ? "," : "").append("\"k").append(i).append("\":").append(i);
            }
            JsonObject o = parse(text.append('}').toString());
            assertEquals(expected, o.members(), "n=" + n);
            assertEquals(o.members(), expected, "n=" + n);
            assertEquals(expected.hashCode(), o.members().hashCode());
            assertEquals(List.copyOf(expected.keySet()), new ArrayList<>(o.members().keySet()));
            for (int i = 0; i < n; i++) {
                assertEquals(new JsonNumber(Integer.toString(i)), o.get("k" + i));
                assertTrue(o.members().containsKey("k" + i));
            }
            assertNull(o.get("absent"));
            assertFalse(o.members().containsKey("absent"));
        }
    }

    @Test
    void aRepeatedNameKeepsItsFirstPlaceAndItsLastValueAtAnySize() throws JsonException {
        for (int filler : new int[] {0, 20}) {
            var text = new StringBuilder("{\"a\":1,");
            for (int i = 0; i < filler; i++) {
                text.append("\"f").append(i).append("\":0,");
            }
            byte[] bytes = text.append("\"b\":2,\"a\":3}").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            JsonObject o = (JsonObject) Json.parse(bytes, new JsonLimits(JsonLimits.DEFAULT_MAX_DEPTH,
                    JsonLimits.DEFAULT_MAX_BYTES, JsonLimits.DuplicateKeys.KEEP_LAST));
            assertEquals(new JsonNumber("3"), o.get("a"));
            assertEquals("a", o.members().keySet().iterator().next());
            assertEquals(filler + 2, o.members().size());
        }
    }

    @Test
    void memberIgnoringCaseTakesTheLastMatchAsGoDoes() throws JsonException {
        JsonObject o = parse("{\"Success\":true,\"other\":1,\"SUCCESS\":false}"); // distinct names
        assertEquals(JsonBool.FALSE, o.memberIgnoringCase("success"));
        assertNull(o.memberIgnoringCase("missing"));
    }

    @Test
    void aRepeatedNameSetLaterThanACaseVariantWinsAsInGo() throws JsonException {
        JsonLimits keepLast = JsonLimits.DEFAULT.withDuplicateKeys(JsonLimits.DuplicateKeys.KEEP_LAST);
        // Go decodes member by member into the one field all three names match: the last one sets it.
        JsonObject o = (JsonObject) Json.parse("{\"a\":4,\"A\":6,\"a\":5}".getBytes(java.nio.charset.StandardCharsets.UTF_8), keepLast);
        assertEquals(new JsonNumber("5"), o.memberIgnoringCase("a"));
        assertEquals(List.of("a", "A"), new ArrayList<>(o.members().keySet()), "a repeated name keeps its first place");
        JsonObject again = (JsonObject) Json.parse(
                "{\"A\":6,\"x\":0,\"a\":5,\"A\":7,\"y\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8), keepLast);
        assertEquals(new JsonNumber("7"), again.memberIgnoringCase("a"));
        assertEquals(new JsonNumber("0"), again.memberIgnoringCase("X"));
        assertNull(again.memberIgnoringCase("z"));
        StringBuilder wide = new StringBuilder("{\"v\":1,\"V\":2");
        for (int i = 0; i < Members.INDEX_FROM + 2; i++) {
            wide.append(",\"f").append(i).append("\":").append(i);
        }
        JsonObject indexed = (JsonObject) Json.parse(wide.append(",\"v\":3}").toString()
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), keepLast);
        assertEquals(new JsonNumber("3"), indexed.memberIgnoringCase("V"));
        assertEquals(new JsonNumber("3"), indexed.get("v"));
        assertEquals(new JsonNumber("2"), indexed.get("V"));
    }

    @Test
    void isImmutableThroughEveryView() throws JsonException {
        Map<String, JsonValue> m = parse("{\"a\":1}").members();
        assertThrows(UnsupportedOperationException.class, () -> m.put("b", JsonNull.INSTANCE));
        assertThrows(UnsupportedOperationException.class, () -> m.remove("a"));
        assertThrows(UnsupportedOperationException.class, () -> m.entrySet().iterator().next().setValue(JsonNull.INSTANCE));
        var it = m.entrySet().iterator();
        it.next();
        assertThrows(UnsupportedOperationException.class, it::remove);
        assertThrows(UnsupportedOperationException.class, m::clear);
    }

    @Test
    void objectsBuiltFromOtherObjectsShareTheirMembersAndOthersAreCopied() throws JsonException {
        JsonObject parsed = parse("{\"a\":1}");
        assertSame(parsed.members(), new JsonObject(parsed.members()).members());
        var source = new LinkedHashMap<String, JsonValue>();
        source.put("x", JsonNull.INSTANCE);
        JsonObject built = new JsonObject(source);
        source.put("y", JsonNull.INSTANCE);
        assertEquals(1, built.members().size(), "a later change of the source does not show");
        assertThrows(NullPointerException.class, () -> new JsonObject(java.util.Collections.singletonMap("k", null)));
    }

    @Test
    void containersAtOneLevelKeepTheirOwnItemsThoughTheParserReusesItsBuilders() throws JsonException {
        StringBuilder wide = new StringBuilder("{");
        for (int i = 0; i < Members.INDEX_FROM + 3; i++) {
            wide.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        }
        wide.append('}');
        String text = "[{\"a\":1,\"b\":2},{\"c\":3},{\"a\":4,\"B\":6,\"a\":5}," + wide
                + ",{\"k1\":\"small\"},{},{\"x\":{\"y\":{\"z\":1}},\"w\":{\"y\":2}},[[1,2],[3],[],[4,[5,6]]],[7]]";
        JsonArray a = (JsonArray) Json.parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                JsonLimits.DEFAULT.withDuplicateKeys(JsonLimits.DuplicateKeys.KEEP_LAST));
        List<JsonValue> e = a.elements();
        assertEquals(9, e.size());
        assertEquals(List.of("a", "b"), new ArrayList<>(((JsonObject) e.get(0)).members().keySet()));
        assertEquals(Map.of("c", new JsonNumber("3")), ((JsonObject) e.get(1)).members());
        JsonObject repeated = (JsonObject) e.get(2);
        assertEquals(List.of("a", "B"), new ArrayList<>(repeated.members().keySet()));
        assertEquals(new JsonNumber("5"), repeated.get("a"));
        assertEquals(new JsonNumber("6"), repeated.memberIgnoringCase("b"));
        JsonObject indexed = (JsonObject) e.get(3);
        assertEquals(Members.INDEX_FROM + 3, indexed.members().size());
        assertEquals(new JsonNumber("11"), indexed.get("k11"));
        JsonObject small = (JsonObject) e.get(4);
        assertEquals(1, small.members().size());
        assertEquals(new JsonString("small"), small.get("k1"));
        assertNull(small.get("k11"), "the wide sibling's index is not this object's");
        assertSame(JsonObject.EMPTY, e.get(5));
        assertEquals("{\"x\":{\"y\":{\"z\":1}},\"w\":{\"y\":2}}", e.get(6).toString());
        assertEquals("[[1,2],[3],[],[4,[5,6]]]", e.get(7).toString());
        assertEquals("[7]", e.get(8).toString());
    }
}
