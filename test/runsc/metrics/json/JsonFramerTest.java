// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonFramerTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void completesAnObjectAtItsClosingBraceWithoutMoreInput() throws JsonException {
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT);
        byte[] reply = utf8("{\"success\":true,\"err\":\"\",\"result\":2}");
        assertEquals(reply.length - 1, framer.feed(reply, 0, reply.length - 1));
        assertFalse(framer.complete());
        assertEquals(1, framer.feed(reply, reply.length - 1, 1));
        assertTrue(framer.complete());
        assertEquals(Json.parse(reply), framer.take());
        assertFalse(framer.complete());
        assertEquals(0, framer.buffered());
    }

    /** Values of a parsed tree as the framer counts them: every node, and every member name. */
    private static int nodes(JsonValue v) {
        return switch (v) {
            case JsonObject o -> 1 + o.members().values().stream().mapToInt(m -> 1 + nodes(m)).sum();
            case JsonArray a -> 1 + a.elements().stream().mapToInt(JsonFramerTest::nodes).sum();
            default -> 1;
        };
    }

    @Test
    void countsTheValuesItFramesBeforeAnyParseAndNeverTooFew() throws JsonException {
        for (String text : List.of("1", " \"x\" ", "[1,2,3]", "{\"a\":1,\"b\":[true,null,\"s,:[{\"]}",
                "[[1],[2,[3]],{\"k\":{\"l\":-1.5e3}}]", "{\"success\":true,\"err\":\"\",\"result\":2}")) {
            JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT);
            byte[] bytes = utf8(text);
            framer.feed(bytes, 0, bytes.length);
            framer.endOfInput();
            int counted = framer.values();
            assertEquals(nodes(framer.take()), counted, text);
            assertEquals(0, framer.values(), "reset with the value");
        }
        // An empty container counts one too many: the bound stays above the truth.
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT);
        byte[] empty = utf8("[[],{}]");
        framer.feed(empty, 0, empty.length);
        assertEquals(5, framer.values());
        assertEquals(3, nodes(framer.take()));
    }

    @Test
    void ignoresBracketsAndQuotesInsideStrings() throws JsonException {
        byte[] text = utf8("{\"a\":\"}]\\\"{[\\\\\",\"b\":[\"]\"]}");
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT);
        for (int i = 0; i < text.length - 1; i++) {
            assertEquals(1, framer.feed(text, i, 1));
            assertFalse(framer.complete(), "complete after byte " + i);
        }
        framer.feed(text, text.length - 1, 1);
        assertTrue(framer.complete());
        assertEquals(Json.parse(text), framer.take());
    }

    @Test
    void leavesTheBytesAfterAValueUnconsumed() throws JsonException {
        byte[] text = utf8("  [1] {\"a\":2}\"s\"");
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT);
        assertEquals(5, framer.feed(text, 0, text.length));
        assertEquals(Json.parse("[1]"), framer.take());
        assertEquals(8, framer.feed(text, 5, text.length - 5));
        assertEquals(Json.parse("{\"a\":2}"), framer.take());
        assertEquals(3, framer.feed(text, 13, 3));
        assertEquals(new JsonString("s"), framer.take());
    }

    @Test
    void needsOneMoreByteToEndATopLevelNumberOrLiteral() throws JsonException {
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT);
        assertEquals(3, framer.feed(utf8("123"), 0, 3));
        assertFalse(framer.complete(), "123 might go on: 1234");
        assertEquals(0, framer.feed(utf8(" "), 0, 1));
        assertTrue(framer.complete());
        assertEquals(new JsonNumber("123"), framer.take());

        assertEquals(4, framer.feed(utf8("true["), 0, 5));
        assertEquals(JsonBool.TRUE, framer.take());
    }

    @Test
    void endsATopLevelScalarAtEndOfInput() throws JsonException {
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT);
        framer.feed(utf8("-0.5e3"), 0, 6);
        assertFalse(framer.complete());
        framer.endOfInput();
        assertTrue(framer.complete());
        assertEquals(new JsonNumber("-0.5e3"), framer.take());
    }

    @Test
    void leavesUnfinishedContainersIncompleteAtEndOfInput() throws JsonException {
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT);
        framer.feed(utf8("{\"a\":1"), 0, 6);
        framer.endOfInput();
        assertFalse(framer.complete());
        assertEquals(6, framer.buffered());
    }

    @Test
    void completesATopLevelStringAtItsClosingQuote() throws JsonException {
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT);
        assertEquals(6, framer.feed(utf8("\"a\\\"b\"x"), 0, 7));
        assertEquals(new JsonString("a\"b"), framer.take());
    }

    @Test
    void completesAtOnceOnAByteThatCannotStartAValue() throws JsonException {
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT);
        assertEquals(1, framer.feed(utf8("}{}"), 0, 3));
        assertTrue(framer.complete());
        JsonException e = assertThrows(JsonException.class, framer::take);
        assertEquals("unexpected character '}', expecting a value at line 1, column 1 (path $): near \"}\"", e.getMessage());
        assertFalse(framer.complete(), "take resets the framer even when the value is bad");
    }

    @Test
    void reportsMismatchedBracketsWhenTheValueIsTaken() throws JsonException {
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT);
        framer.feed(utf8("[1}"), 0, 3);
        assertTrue(framer.complete());
        JsonException e = assertThrows(JsonException.class, framer::take);
        assertEquals("expected ',' or ']' after an array element but got '}' at line 1, column 3 (path $[0]): near \"}\"",
                e.getMessage());
    }

    @Test
    void framesExactlyTheDepthLimitAndRejectsOneMore() throws JsonException {
        JsonLimits limits = JsonLimits.DEFAULT.withMaxDepth(3);
        JsonFramer framer = new JsonFramer(limits);
        byte[] ok = utf8("[[[]]]");
        framer.feed(ok, 0, ok.length);
        assertEquals(Json.parse(ok), framer.take());
        byte[] deep = utf8("[[[[]]]]");
        JsonException e = assertThrows(JsonException.class, () -> framer.feed(deep, 0, deep.length));
        assertEquals("nesting is deeper than the limit of 3 levels at line 1, column 4 (path $[0][0][0]): near \"[]]]]\"",
                e.getMessage());
    }

    @Test
    void cutsOffAtExactlyTheSizeLimit() throws JsonException {
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT.withMaxBytes(5));
        framer.feed(utf8("[1,2]"), 0, 5);
        assertEquals(Json.parse("[1,2]"), framer.take());
        JsonException e = assertThrows(JsonException.class, () -> framer.feed(utf8("[1,22]"), 0, 6));
        assertEquals("value is larger than the limit of 5 bytes at line 1, column 6 (path $[1]): near \"]\"", e.getMessage());
    }

    @Test
    void keepsASizeLimitBelowItsInitialBuffer() {
        // The buffer starts at 1 KB; a 100-byte limit must still stop at byte 101.
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT.withMaxBytes(100));
        byte[] big = utf8("\"" + "x".repeat(200) + "\"");
        JsonException e = assertThrows(JsonException.class, () -> framer.feed(big, 0, big.length));
        assertEquals("value is larger than the limit of 100 bytes", e.problem());
        assertEquals(101, e.column());
    }

    @Test
    void framesLongStringsWithEscapesInAnyChunking() throws JsonException {
        // Strings are copied in runs up to the next quote or backslash; runs must survive chunk
        // boundaries and buffer growth, and a quote after a backslash must not end the string.
        String text = "{\"help\":\"" + "a\\\"b\\\\c ".repeat(700) + "\",\"k\":[\"" + "é".repeat(900) + "\"]}";
        byte[] bytes = utf8(text + " ");
        for (int chunk : new int[] {1, 7, 1000, bytes.length}) {
            JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT);
            int at = 0;
            while (!framer.complete()) {
                at += framer.feed(bytes, at, Math.min(chunk, bytes.length - at));
            }
            assertEquals(bytes.length - 1, at, "chunk " + chunk);
            assertEquals(Json.parse(text), framer.take(), "chunk " + chunk);
        }
    }

    @Test
    void cutsOffEndlessWhitespace() throws JsonException {
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT.withMaxBytes(1000));
        byte[] blanks = utf8(" ".repeat(600));
        assertEquals(600, feedAll(framer, blanks));
        JsonException e = assertThrows(JsonException.class, () -> framer.feed(blanks, 0, blanks.length));
        assertEquals("value is larger than the limit of 1000 bytes", e.problem());
    }

    @Test
    void canBeUsedAgainAfterALimitError() throws JsonException {
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT.withMaxDepth(1));
        assertThrows(JsonException.class, () -> framer.feed(utf8("[["), 0, 2));
        assertEquals(0, framer.buffered());
        framer.feed(utf8("[7]"), 0, 3);
        assertEquals(Json.parse("[7]"), framer.take());
    }

    @Test
    void refusesToFeedWhileAValueWaitsAndToTakeAnIncompleteOne() throws JsonException {
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT);
        framer.feed(utf8("[1"), 0, 2);
        assertEquals("no complete value: 2 bytes buffered", assertThrows(IllegalStateException.class, framer::take).getMessage());
        framer.feed(utf8("]"), 0, 1);
        assertEquals("a complete value is waiting to be taken",
                assertThrows(IllegalStateException.class, () -> framer.feed(utf8("1"), 0, 1)).getMessage());
    }

    @Test
    void resetForgetsAPartialValue() throws JsonException {
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT);
        framer.feed(utf8("{\"a\":[1,"), 0, 8);
        framer.reset();
        framer.feed(utf8("2 "), 0, 2);
        assertEquals(new JsonNumber("2"), framer.take());
    }

    @Test
    void appliesTheDuplicateKeyPolicyWhenTaking() throws JsonException {
        byte[] text = utf8("{\"a\":1,\"a\":2}");
        JsonFramer strict = new JsonFramer(JsonLimits.DEFAULT);
        strict.feed(text, 0, text.length);
        assertThrows(JsonException.class, strict::take);
        JsonFramer lenient = new JsonFramer(JsonLimits.DEFAULT.withDuplicateKeys(JsonLimits.DuplicateKeys.KEEP_LAST));
        lenient.feed(text, 0, text.length);
        assertEquals(Json.parse("{\"a\":2}"), lenient.take());
    }

    @Test
    void splitsARealReplyFedOneByteAtATime() throws Exception {
        byte[] reply = utf8("{\"success\":true,\"err\":\"\",\"result\":{\"snapshot\":{\"when\":\"2026-11-25T03:39:12.06372382Z\"}}}"
                + "{\"success\":false,\"err\":\"unknown method\",\"result\":null}");
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT);
        List<JsonValue> values = new ArrayList<>();
        for (int i = 0; i < reply.length; ) {
            i += framer.feed(reply, i, 1);
            if (framer.complete()) {
                values.add(framer.take());
            }
        }
        assertEquals(2, values.size());
        assertEquals("{\"success\":false,\"err\":\"unknown method\",\"result\":null}", Json.write(values.get(1)));
    }

    private static int feedAll(JsonFramer framer, byte[] bytes) throws JsonException {
        return framer.feed(bytes, 0, bytes.length);
    }

    @Test
    void offersTheCompleteValueToADecoderAndKeepsItWhenTheDecoderDeclines() throws JsonException {
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT);
        List<String> seen = new ArrayList<>();
        JsonFramer.BytesDecoder<String> declines = (bytes, offset, length) -> {
            seen.add(new String(bytes, offset, length, StandardCharsets.UTF_8));
            return null;
        };
        JsonFramer.BytesDecoder<String> reads = (bytes, offset, length) -> "read";
        assertThrows(IllegalStateException.class, () -> framer.takeIf(reads));
        byte[] reply = utf8("  {\"a\":[1,2]}");
        framer.feed(reply, 0, reply.length);
        String declined = framer.takeIf(declines);
        assertEquals(null, declined);
        assertEquals(List.of("  {\"a\":[1,2]}"), seen, "the bytes of the value, leading blanks included");
        assertTrue(framer.complete(), "declined: still there for take()");
        assertEquals(Json.parse(reply), framer.take());
        framer.feed(reply, 0, reply.length);
        assertEquals("read", framer.takeIf(reads));
        assertFalse(framer.complete());
        assertEquals(0, framer.buffered());
        byte[] next = utf8("[3]");
        framer.feed(next, 0, next.length);
        assertEquals(Json.parse(next), framer.take(), "ready for the next value");
    }
}
