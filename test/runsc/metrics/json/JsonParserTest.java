// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import runsc.metrics.testing.ProjectFiles;
import runsc.metrics.testing.PythonBytes;

class JsonParserTest {

    @Test
    void parsesEveryKindOfValue() throws JsonException {
        JsonValue v = Json.parse(" {\"s\":\"x\",\"n\":-1.5e3,\"t\":true,\"f\":false,\"z\":null,\"a\":[],\"o\":{}} ");
        Map<String, JsonValue> members = new LinkedHashMap<>();
        members.put("s", new JsonString("x"));
        members.put("n", new JsonNumber("-1.5e3"));
        members.put("t", JsonBool.TRUE);
        members.put("f", JsonBool.FALSE);
        members.put("z", JsonNull.INSTANCE);
        members.put("a", new JsonArray(List.of()));
        members.put("o", JsonObject.EMPTY);
        assertEquals(new JsonObject(members), v);
    }

    @Test
    void keepsMembersInDocumentOrder() throws JsonException {
        JsonObject o = (JsonObject) Json.parse("{\"b\":1,\"a\":2,\"c\":3}");
        assertEquals(List.of("b", "a", "c"), new ArrayList<>(o.members().keySet()));
        assertEquals("{\"b\":1,\"a\":2,\"c\":3}", Json.write(o));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "1", "-1", "true", "false", "null", "\"\"", "\"x\"", "[]", "{}", "1.5", "1e5", "-0.0e-0"})
    void acceptsAnyValueAtTopLevel(String text) throws JsonException {
        assertEquals(text, Json.write(Json.parse(" \t\r\n" + text + "\n\r\t ")));
    }

    @Test
    void readsInt64ExactlyAtBothEnds() throws JsonException {
        JsonArray a = (JsonArray) Json.parse("[9223372036854775807,-9223372036854775808,9007199254740993]");
        assertEquals(Long.MAX_VALUE, ((JsonNumber) a.elements().get(0)).longValueExact());
        assertEquals(Long.MIN_VALUE, ((JsonNumber) a.elements().get(1)).longValueExact());
        assertEquals(9007199254740993L, ((JsonNumber) a.elements().get(2)).longValueExact()); // 2^53 + 1: not a double
    }

    @Test
    void tellsIntegerTokensFromFractionalAndExponentOnes() throws JsonException {
        JsonArray a = (JsonArray) Json.parse("[5,5.0,5e0,5E0,-0]");
        assertEquals(List.of(true, false, false, false, true),
                a.elements().stream().map(v -> ((JsonNumber) v).isInteger()).toList());
        assertEquals(List.of("5", "5.0", "5e0", "5E0", "-0"), a.elements().stream().map(v -> ((JsonNumber) v).token()).toList());
    }

    @Test
    void keepsNegativeZeroAsWritten() throws JsonException {
        JsonNumber n = (JsonNumber) Json.parse("-0");
        assertEquals("-0", n.token());
        assertEquals(0L, n.longValueExact());
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(n.doubleValue()));
        assertFalse(n.equals(Json.parse("0")), "tokens differ, so the values do");
    }

    @Test
    void decodesEveryEscape() throws JsonException {
        assertEquals(new JsonString("\"\\/\b\f\n\r\t\u0000\u001f\u00e9\u2028\uD83D\uDE00"),
                Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0000\\u001F\\u00e9\\u2028\\ud83d\\uDE00\""));
    }

    @Test
    void decodesUtf8OfEveryLength() throws JsonException {
        String text = "$\u00a2\u20ac\uD800\uDF48\u007f"; // 1, 2, 3, 4 bytes, and DEL, which needs no escape
        assertEquals(new JsonString(text), Json.parse(("\"" + text + "\"").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsStringsWithAndWithoutTheFastPath() throws JsonException {
        assertEquals(new JsonString("plain ascii"), Json.parse("\"plain ascii\""));
        assertEquals(new JsonString("ascii then é then \n"), Json.parse("\"ascii then é then \\n\""));
    }

    @Test
    void rejectsDuplicateNamesByDefault() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("{\"a\":1,\"b\":{},\"a\":2}"));
        assertEquals("duplicate member name \"a\"", e.problem());
        assertEquals(15, e.column());
    }

    @Test
    void keepsTheLastDuplicateLikeGoWhenAsked() throws JsonException {
        JsonLimits keepLast = JsonLimits.DEFAULT.withDuplicateKeys(JsonLimits.DuplicateKeys.KEEP_LAST);
        JsonObject o = (JsonObject) Json.parse("{\"a\":1,\"b\":2,\"a\":3}".getBytes(StandardCharsets.UTF_8), keepLast);
        assertEquals(new JsonNumber("3"), o.get("a"));
        assertEquals("{\"a\":3,\"b\":2}", Json.write(o)); // the value replaced where the name first stood
    }

    @Test
    void treatsNamesThatDifferOnlyInCaseAsDistinct() throws JsonException {
        JsonObject o = (JsonObject) Json.parse("{\"a\":1,\"A\":2}");
        assertEquals(2, o.members().size());
        assertNull(o.get("b"));
    }

    @Test
    void parsesExactlyTheDefaultDepthAndRejectsOneMore() throws JsonException {
        int max = JsonLimits.DEFAULT_MAX_DEPTH;
        assertEquals(64, max);
        assertInstanceOf(JsonArray.class, Json.parse("[".repeat(max) + "]".repeat(max)));
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("[".repeat(max + 1) + "]".repeat(max + 1)));
        assertEquals("nesting is deeper than the limit of 64 levels", e.problem());
        assertEquals(max + 1, e.column());
        assertEquals("$" + "[0]".repeat(max), e.path());
    }

    @Test
    void parsesObjectsExactlyAtTheDepthLimit() throws JsonException {
        String nested = "{\"k\":".repeat(63) + "{}" + "}".repeat(63);
        assertInstanceOf(JsonObject.class, Json.parse(nested));
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("[" + nested + "]"));
        assertEquals("nesting is deeper than the limit of 64 levels", e.problem());
        assertEquals("$[0]" + ".k".repeat(63), e.path());
    }

    @Test
    void parsesAtTheDepthCeilingWithoutOverflowingTheStack() throws Exception {
        int max = JsonLimits.MAX_DEPTH_CEILING;
        JsonLimits deepest = JsonLimits.DEFAULT.withMaxDepth(max);
        byte[] arrays = ("[".repeat(max) + "]".repeat(max)).getBytes(StandardCharsets.UTF_8);
        byte[] objects = ("{\"a\":".repeat(max - 1) + "{}" + "}".repeat(max - 1)).getBytes(StandardCharsets.UTF_8);
        List<Throwable> failures = new ArrayList<>();
        // On threads with the default stack size of 1 MB.
        runOnStack(1 << 20, failures, () -> {
            JsonValue a = Json.parse(arrays, deepest);
            JsonValue o = Json.parse(objects, deepest);
            assertArrayEquals(arrays, Json.writeBytes(a));
            assertArrayEquals(objects, Json.writeBytes(o));
            byte[] deeper = ("[" + new String(arrays, StandardCharsets.UTF_8) + "]").getBytes(StandardCharsets.UTF_8);
            assertEquals("nesting is deeper than the limit of 1000 levels",
                    assertThrows(JsonException.class, () -> Json.parse(deeper, deepest)).problem());
        });
        runOnStack(1 << 20, failures, () -> {
            JsonValue a = Json.parse(arrays, deepest);
            JsonValue o = Json.parse(objects, deepest);
            assertEquals(a, Json.parse(Json.writeBytes(a), deepest));
            assertEquals(o, Json.parse(Json.writeBytes(o), deepest));
            assertEquals(a.hashCode(), Json.parse(arrays, deepest).hashCode());
            assertEquals(o.hashCode(), Json.parse(objects, deepest).hashCode());
            assertEquals(new String(objects, StandardCharsets.UTF_8), o.toString());
        });
        assertEquals(List.of(), failures);
    }

    interface Check {
        void run() throws Exception;
    }

    private static void runOnStack(long stackBytes, List<Throwable> failures, Check check) throws InterruptedException {
        Thread t = new Thread(null, () -> {
            try {
                check.run();
            } catch (Throwable e) {
                failures.add(e);
            }
        }, "deep", stackBytes);
        t.start();
        t.join();
    }

    @Test
    void acceptsADocumentOfExactlyTheSizeLimit() throws JsonException {
        byte[] doc = "[1,2,3]".getBytes(StandardCharsets.UTF_8);
        assertInstanceOf(JsonArray.class, Json.parse(doc, JsonLimits.DEFAULT.withMaxBytes(7)));
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(doc, JsonLimits.DEFAULT.withMaxBytes(6)));
        assertEquals("document is larger than the limit of 6 bytes", e.problem());
    }

    @Test
    void parsesPartOfAnArray() throws JsonException {
        byte[] bytes = "xx[1]yy".getBytes(StandardCharsets.UTF_8);
        assertEquals(new JsonArray(List.of(new JsonNumber("1"))), Json.parse(bytes, 2, 3, JsonLimits.DEFAULT));
        assertThrows(IndexOutOfBoundsException.class, () -> Json.parse(bytes, 5, 3, JsonLimits.DEFAULT));
    }

    @Test
    void rejectsALoneSurrogateInAJavaString() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("[\"a\", \"b\uD800\"]"));
        assertEquals("invalid UTF-8: encoded surrogate U+D800", e.problem());
        assertEquals("$[1]", e.path());
        assertEquals(9, e.column());
    }

    @Test
    void acceptsSurrogatePairsInAJavaString() throws JsonException {
        assertEquals(new JsonString("\uD83D\uDE00"), Json.parse("\"\uD83D\uDE00\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"'a'", "[1,]", "{\"a\":1,}", "// c\n1", "/* c */ 1", "0x10", "+1", ".5", "1.", "01", "1e", "NaN",
            "-Infinity", "Infinity", "undefined", "[1 2]", "{a:1}", "\"\\a\"", "\"\\u00\"", "\"\\U0041\"", "\u00a01", "\f1", "{}{}",
            "[]]", "True", "nulll", "\"\\ud800\"", "\"\\udfff\\ud800\""})
    void rejectsWhatRfc8259Forbids(String text) {
        assertThrows(JsonException.class, () -> Json.parse(text));
    }

    @Test
    void readsTheRealStateFileAndWritesItBackByteForByte() throws IOException {
        byte[] file = Files.readAllBytes(ProjectFiles.sample("real-state-sb1.json"));
        JsonObject state = (JsonObject) Json.parse(file);
        assertEquals(new JsonString("sb1"), state.get("id"));
        assertArrayEquals(trimNewline(file), Json.writeBytes(state));
    }

    @Test
    void readsEveryRealUrpcReplyAndWritesItBackByteForByte() throws IOException {
        List<byte[]> replies = new ArrayList<>();
        for (String line : Files.readAllLines(ProjectFiles.sample("real-urpc-captures.txt"), StandardCharsets.UTF_8)) {
            int at = line.indexOf(": b'");
            if (line.startsWith("<<< RECEIVED ") && at > 0 && line.endsWith("}'") && !line.contains("...<truncated>...")) {
                replies.add(PythonBytes.decode(line.substring(at + 4, line.length() - 1)));
            }
        }
        assertTrue(replies.size() >= 20, "found " + replies.size() + " replies");
        for (byte[] reply : replies) {
            JsonObject o = (JsonObject) Json.parse(reply);
            assertEquals(List.of("success", "err", "result"), new ArrayList<>(o.members().keySet()));
            assertEquals(new String(reply, StandardCharsets.UTF_8), Json.write(o));
        }
    }

    private static byte[] trimNewline(byte[] file) {
        int n = file.length;
        while (n > 0 && (file[n - 1] == '\n' || file[n - 1] == '\r')) {
            n--;
        }
        return java.util.Arrays.copyOf(file, n);
    }
}
