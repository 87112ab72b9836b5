// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonWriterTest {

    @Test
    void writesTheExactMetricsExportRequestOfTheSpec() {
        Map<String, JsonValue> arg = new LinkedHashMap<>();
        arg.put("only_metrics", new JsonString(""));
        Map<String, JsonValue> request = new LinkedHashMap<>();
        request.put("method", new JsonString("Metrics.Export"));
        request.put("arg", new JsonObject(arg));
        byte[] expected = "{\"method\":\"Metrics.Export\",\"arg\":{\"only_metrics\":\"\"}}".getBytes(StandardCharsets.US_ASCII);
        assertEquals(53, expected.length); // "SENT 53 bytes" in the capture
        assertArrayEquals(expected, Json.writeBytes(new JsonObject(request)));
    }

    /** Go 1.22+ encoding/json string output (HTML-safe, \b and \f short forms). */
    static Stream<Arguments> goStringEscapes() {
        return Stream.of(
                Arguments.of("", "\"\""),
                Arguments.of("plain", "\"plain\""),
                Arguments.of("\"\\", "\"\\\"\\\\\""),
                Arguments.of("/", "\"/\""), // not escaped
                Arguments.of("\n\r\t", "\"\\n\\r\\t\""),
                Arguments.of("\b\f", "\"\\b\\f\""),
                Arguments.of("\u0000\u0001\u001f", "\"\\u0000\\u0001\\u001f\""),
                Arguments.of("\u000b", "\"\\u000b\""),
                Arguments.of("\u007f", "\"\u007f\""), // DEL is written as is
                Arguments.of("<a href=\"x\">&amp;</a>", "\"\\u003ca href=\\\"x\\\"\\u003e\\u0026amp;\\u003c/a\\u003e\""),
                Arguments.of("\u2028\u2029", "\"\\u2028\\u2029\""),
                Arguments.of("é€😀\ufffd\ufeff", "\"é€😀\ufffd\ufeff\""), // raw UTF-8, U+FFFD included
                Arguments.of("a\uD800b", "\"a\\ufffdb\""), // lone high surrogate: Go's escape for text that is not UTF-8
                Arguments.of("\uDC00", "\"\\ufffd\""), // lone low surrogate
                Arguments.of("\uDE00\uD83D", "\"\\ufffd\\ufffd\""), // a pair in the wrong order is two lone ones
                Arguments.of("x\uD800", "\"x\\ufffd\""));
    }

    @ParameterizedTest
    @MethodSource("goStringEscapes")
    void escapesStringsLikeGo(String value, String go) {
        assertEquals(go, Json.write(new JsonString(value)));
    }

    @Test
    void escapesMemberNamesLikeValues() {
        assertEquals("{\"\\u003ck\\u003e\\n\":1}", Json.write(new JsonObject(Map.of("<k>\n", new JsonNumber("1")))));
    }

    @Test
    void writesCompactlyInMemberOrder() {
        Map<String, JsonValue> members = new LinkedHashMap<>();
        members.put("z", new JsonArray(List.of(JsonBool.TRUE, JsonBool.FALSE, JsonNull.INSTANCE, new JsonNumber("1.50"))));
        members.put("a", JsonObject.EMPTY);
        members.put("m", new JsonArray(List.of()));
        assertEquals("{\"z\":[true,false,null,1.50],\"a\":{},\"m\":[]}", Json.write(new JsonObject(members)));
    }

    @Test
    void writesNumbersAsTheirTokens() {
        assertEquals("[1e5,-0,1E+2,9223372036854775808]",
                Json.write(new JsonArray(List.of(new JsonNumber("1e5"), new JsonNumber("-0"), new JsonNumber("1E+2"),
                        new JsonNumber("9223372036854775808")))));
    }

    @Test
    void appendsToABuilder() {
        StringBuilder out = new StringBuilder("x=");
        Json.write(new JsonString("<"), out);
        assertEquals("x=\"\\u003c\"", out.toString());
    }

    @Test
    void writesUtf8Bytes() {
        assertArrayEquals(new byte[] {'"', (byte) 0xc3, (byte) 0xa9, (byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80, '"'},
                Json.writeBytes(new JsonString("é😀")));
    }
}
