// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Whole error messages, position, path and snippet included, for every error the parser and framer make. */
class JsonErrorMessagesTest {

    static Stream<Arguments> syntaxErrors() {
        return Stream.of(
                // The example of the issue: the position is the opening quote.
                Arguments.of("{\"a\":\"abc", "unterminated string at line 1, column 6 (path $.a): near \"\\\"abc\""),
                Arguments.of("\"abc\\\"", "unterminated string at line 1, column 1 (path $): near \"\\\"abc\\\\\\\"\""),
                Arguments.of("", "unexpected end of input, expecting a value at line 1, column 1 (path $)"),
                Arguments.of("  \n ", "unexpected end of input, expecting a value at line 2, column 2 (path $)"),
                Arguments.of("[", "unexpected end of input, expecting a value at line 1, column 2 (path $[0])"),
                Arguments.of("{\"a\":1} x", "unexpected data after the top-level value at line 1, column 9 (path $): near \"x\""),
                Arguments.of("1 2", "unexpected data after the top-level value at line 1, column 3 (path $): near \"2\""),
                Arguments.of("[1]]", "unexpected data after the top-level value at line 1, column 4 (path $): near \"]\""),
                Arguments.of("truex", "unexpected data after the top-level value at line 1, column 5 (path $): near \"x\""),
                Arguments.of("x", "unexpected character 'x', expecting a value at line 1, column 1 (path $): near \"x\""),
                Arguments.of("NaN", "unexpected character 'N', expecting a value at line 1, column 1 (path $): near \"NaN\""),
                Arguments.of("Infinity", "unexpected character 'I', expecting a value at line 1, column 1 (path $): near \"Infinity\""),
                Arguments.of("[1,]", "unexpected character ']', expecting a value at line 1, column 4 (path $[1]): near \"]\""),
                Arguments.of("[\u0001]", "unexpected character U+0001, expecting a value at line 1, column 2 (path $[0]): near \"\\u0001]\""),
                Arguments.of("\uFEFF1", "unexpected character U+FEFF, expecting a value at line 1, column 1 (path $): near \"\\ufeff1\""),
                Arguments.of("[é]", "unexpected character 'é', expecting a value at line 1, column 2 (path $[0]): near \"é]\""),
                Arguments.of("{", "object was not closed with '}' at line 1, column 2 (path $)"),
                Arguments.of("{\"a\":1", "object was not closed with '}' at line 1, column 7 (path $.a)"),
                Arguments.of("{\"a\":\"b\"", "object was not closed with '}' at line 1, column 9 (path $.a)"),
                Arguments.of("[1,2", "array was not closed with ']' at line 1, column 5 (path $[1])"),
                Arguments.of("[\"x\"", "array was not closed with ']' at line 1, column 5 (path $[0])"),
                Arguments.of("{1:2}", "expected '\"' to start a member name but got '1' at line 1, column 2 (path $): near \"1:2}\""),
                Arguments.of("{\"a\":1,}", "expected '\"' to start a member name but got '}' at line 1, column 8 (path $): near \"}\""),
                Arguments.of("{\"a\" 1}", "expected ':' after the member name but got '1' at line 1, column 6 (path $.a): near \"1}\""),
                Arguments.of("{\"a\":1,\"b\" }", "expected ':' after the member name but got '}' at line 1, column 12 (path $.b): near \"}\""),
                Arguments.of("{\"a\"", "expected ':' after the member name but got end of input at line 1, column 5 (path $.a)"),
                Arguments.of("{\"a\":1 \"b\":2}",
                        "expected ',' or '}' after an object member but got '\"' at line 1, column 8 (path $.a): near \"\\\"b\\\":2}\""),
                Arguments.of("[1 2]", "expected ',' or ']' after an array element but got '2' at line 1, column 4 (path $[0]): near \"2]\""),
                Arguments.of("{\"a\":1,\"a\":2}", "duplicate member name \"a\" at line 1, column 8 (path $.a): near \"\\\"a\\\":2}\""),
                Arguments.of("{\"<\\\"\":1,\"<\\\"\":2}",
                        "duplicate member name \"\\u003c\\\"\" at line 1, column 10 (path $['<\"']): near \"\\\"<\\\\\\\"\\\":2}\""),
                Arguments.of("\"a\nb\"", "control character U+000A in string (must be escaped) at line 1, column 3 (path $): near \"\\u000ab\\\"\""),
                Arguments.of("\"\t\"", "control character U+0009 in string (must be escaped) at line 1, column 2 (path $): near \"\\u0009\\\"\""),
                Arguments.of("\"a\\", "unterminated escape sequence at line 1, column 3 (path $): near \"\\\\\""),
                Arguments.of("\"\\x\"", "invalid escape sequence at line 1, column 2 (path $): near \"\\\\x\\\"\""),
                Arguments.of("\"\\u12", "truncated \\u escape at line 1, column 2 (path $): near \"\\\\u12\""),
                Arguments.of("\"\\u12g4\"", "invalid hex digit in \\u escape at line 1, column 2 (path $): near \"\\\\u12g4\\\"\""),
                Arguments.of("\"\\ud800\"", "lone surrogate \\ud800 in string at line 1, column 2 (path $): near \"\\\\ud800\\\"\""),
                Arguments.of("\"\\udc00\"", "lone surrogate \\udc00 in string at line 1, column 2 (path $): near \"\\\\udc00\\\"\""),
                Arguments.of("\"\\ud800\\u0041\"", "lone surrogate \\ud800 in string at line 1, column 2 (path $): near \"\\\\ud800\\\\u0041\""),
                Arguments.of("\"\\ud800\\u00\"}", "invalid hex digit in \\u escape at line 1, column 8 (path $): near \"\\\\u00\\\"}\""),
                Arguments.of("-", "invalid number, expecting a digit after '-' at line 1, column 2 (path $)"),
                Arguments.of("-Infinity", "invalid number, expecting a digit after '-' at line 1, column 2 (path $): near \"Infinity\""),
                Arguments.of("[1.]", "invalid number, expecting a digit after '.' at line 1, column 4 (path $[0]): near \"]\""),
                Arguments.of("1.e5", "invalid number, expecting a digit after '.' at line 1, column 3 (path $): near \"e5\""),
                Arguments.of("1e", "invalid number, expecting a digit in the exponent at line 1, column 3 (path $)"),
                Arguments.of("-1E+x", "invalid number, expecting a digit in the exponent at line 1, column 5 (path $): near \"x\""),
                Arguments.of("01", "invalid number, leading zero at line 1, column 1 (path $): near \"01\""),
                Arguments.of("[-00]", "invalid number, leading zero at line 1, column 2 (path $[0]): near \"-00]\""),
                Arguments.of("tru", "invalid literal, expecting true at line 1, column 1 (path $): near \"tru\""),
                Arguments.of("[fals]", "invalid literal, expecting false at line 1, column 2 (path $[0]): near \"fals]\""),
                Arguments.of("{\"n\":nul}", "invalid literal, expecting null at line 1, column 6 (path $.n): near \"nul}\""),
                Arguments.of("{\"k\":[\"\uDC00\"]}", "invalid UTF-8: encoded surrogate U+DC00 at line 1, column 8 (path $.k[0]): near \"\\ufffd\\\"]}\""));
    }

    @ParameterizedTest
    @MethodSource("syntaxErrors")
    void reportsSyntaxErrorWithPositionPathAndSnippet(String input, String message) {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(input));
        assertEquals(message, e.getMessage());
    }

    static Stream<Arguments> encodingErrors() {
        return Stream.of(
                Arguments.of(new byte[] {'"', (byte) 0xff, '"'}, "invalid UTF-8 byte 0xff at line 1, column 2 (path $): near \"\\ufffd\\\"\""),
                Arguments.of(new byte[] {'"', (byte) 0x80, '"'}, "invalid UTF-8 byte 0x80 at line 1, column 2 (path $): near \"\\ufffd\\\"\""),
                Arguments.of(new byte[] {'"', (byte) 0xc0, (byte) 0xaf, '"'},
                        "invalid UTF-8 byte 0xc0 at line 1, column 2 (path $): near \"\\ufffd\\ufffd\\\"\""),
                Arguments.of(new byte[] {'"', (byte) 0xc3}, "truncated UTF-8 sequence at line 1, column 2 (path $): near \"\\ufffd\""),
                Arguments.of(new byte[] {'"', (byte) 0xc3, 'a', '"'},
                        "invalid UTF-8 sequence at byte 0xc3 at line 1, column 2 (path $): near \"\\ufffda\\\"\""),
                Arguments.of(new byte[] {'"', (byte) 0xe0, (byte) 0x80, (byte) 0xaf, '"'}, // overlong '/'
                        "invalid UTF-8 sequence at byte 0xe0 at line 1, column 2 (path $): near \"\\ufffd\\ufffd\\ufffd\\\"\""),
                Arguments.of(new byte[] {'"', (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'}, // above U+10FFFF
                        "invalid UTF-8 sequence at byte 0xf4 at line 1, column 2 (path $): near \"\\ufffd\\ufffd\\ufffd\\ufffd\\\"\""),
                Arguments.of(new byte[] {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'}, // CESU-8 U+D800
                        "invalid UTF-8: encoded surrogate U+D800 at line 1, column 2 (path $): near \"\\ufffd\\\"\""),
                Arguments.of(new byte[] {'[', (byte) 0xfe, ']'},
                        "unexpected character byte 0xfe, expecting a value at line 1, column 2 (path $[0]): near \"\\ufffd]\""));
    }

    @ParameterizedTest
    @MethodSource("encodingErrors")
    void reportsInvalidUtf8(byte[] input, String message) {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(input));
        assertEquals(message, e.getMessage());
    }

    @Test
    void countsLinesFromOneAcrossLineFeeds() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("[1,\n2,\r\n  x]"));
        assertEquals("unexpected character 'x', expecting a value at line 3, column 3 (path $[2]): near \"x]\"", e.getMessage());
        assertEquals(3, e.line());
        assertEquals(3, e.column());
    }

    @Test
    void countsColumnsInCharactersNotBytes() {
        // é is 2 bytes, ü 2, 😀 4 (one character outside the BMP): the x is the 9th character.
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("{\"é\":\"ü😀\"x"));
        assertEquals("expected ',' or '}' after an object member but got 'x' at line 1, column 10 (path $['é']): near \"x\"",
                e.getMessage());
        assertEquals(10, e.column());
    }

    @Test
    void followsThePathThroughNestedArraysAndObjects() {
        JsonException e = assertThrows(JsonException.class,
                () -> Json.parse("{\"a\":1,\"b\":{\"c\":[true,false,null,{\"d_1\":[0,x]}]}}"));
        assertEquals("unexpected character 'x', expecting a value at line 1, column 44 (path $.b.c[3].d_1[1]): near \"x]}]}}\"",
                e.getMessage());
        assertEquals("$.b.c[3].d_1[1]", e.path());
        assertEquals("unexpected character 'x', expecting a value", e.problem());
    }

    @Test
    void usesBracketNotationForNamesThatAreNotIdentifiers() {
        JsonException e = assertThrows(JsonException.class,
                () -> Json.parse("{\"a b\":[{\"c'd\":[1,{\"0x\":{\"\":{\"e\\\\f\\ng\":tru}}}]}]}"));
        assertEquals("invalid literal, expecting true at line 1, column 40 (path $['a b'][0]['c\\'d'][1]['0x']['']['e\\\\f\\u000ag']):"
                + " near \"tru}}}]}]}\"", e.getMessage());
    }

    @Test
    void pathIsTheObjectWhileAMemberNameIsRead() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("{\"a\":1,\"b"));
        assertEquals("unterminated string at line 1, column 8 (path $): near \"\\\"b\"", e.getMessage());
    }

    @Test
    void namesTheSizeLimit() {
        JsonException e = assertThrows(JsonException.class,
                () -> Json.parse("[1,2,3]".getBytes(StandardCharsets.UTF_8), JsonLimits.DEFAULT.withMaxBytes(4)));
        assertEquals("document is larger than the limit of 4 bytes at line 1, column 5 (path $): near \",3]\"", e.getMessage());
    }

    @Test
    void namesTheDepthLimit() {
        JsonException e = assertThrows(JsonException.class,
                () -> Json.parse("{\"a\":{\"b\":{\"c\":1}}}".getBytes(StandardCharsets.UTF_8), JsonLimits.DEFAULT.withMaxDepth(2)));
        assertEquals("nesting is deeper than the limit of 2 levels at line 1, column 11 (path $.a.b): near \"{\\\"c\\\":1}}}\"",
                e.getMessage());
    }

    @Test
    void snippetShowsTwelveCharacters() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("[x234567890ü23456]"));
        assertEquals("unexpected character 'x', expecting a value at line 1, column 2 (path $[0]): near \"x234567890ü2\"",
                e.getMessage());
    }

    @Test
    void reportsPositionsRelativeToTheStartOfAnOffsetDocument() {
        byte[] bytes = "garbage\n\n[1,\nx]tail".getBytes(StandardCharsets.UTF_8);
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(bytes, 9, 6, JsonLimits.DEFAULT));
        assertEquals("unexpected character 'x', expecting a value at line 2, column 1 (path $[1]): near \"x]\"", e.getMessage());
    }

    // The framer's own errors: limits hit before the value is complete. The snippet comes from the
    // bytes being fed, so it is as long as what that feed still held.

    static Stream<Arguments> framerErrors() {
        return Stream.of(
                argumentSet("names the depth limit with the path", JsonLimits.DEFAULT.withMaxDepth(3),
                        "{\"a\":[{\"b c\":{\"d\":1}}]}",
                        "nesting is deeper than the limit of 3 levels at line 1, column 14 (path $.a[0]['b c']): near "
                                + "\"{\\\"d\\\":1}}]}\""),
                argumentSet("names the size limit with the path", JsonLimits.DEFAULT.withMaxBytes(10),
                        "[1,2,3,4,5,6,7,8,9]",
                        "value is larger than the limit of 10 bytes at line 1, column 11 (path $[4]): near \",6,7,8,9]\""),
                argumentSet("counts leading whitespace in positions and size", JsonLimits.DEFAULT.withMaxBytes(12),
                        "          \n     1",
                        "value is larger than the limit of 12 bytes at line 2, column 2 (path $): near \"    1\""),
                argumentSet("leaves out a member name still being read", JsonLimits.DEFAULT.withMaxBytes(12),
                        "{\"a\":1,\"bbbbbbbbbbbb\":2}",
                        "value is larger than the limit of 12 bytes at line 1, column 13 (path $): near \"bbbbbbbb\\\":2}\""),
                argumentSet("reports syntax errors through the parser with stream positions", JsonLimits.DEFAULT,
                        "\n\n  {\"a\":\n x}",
                        "unexpected character 'x', expecting a value at line 4, column 2 (path $.a): near \"x}\""));
    }

    @ParameterizedTest
    @MethodSource("framerErrors")
    void framerErrorsNameThePlaceInTheStream(JsonLimits limits, String text, String message) {
        assertEquals(message, assertThrows(JsonException.class, () -> feed(new JsonFramer(limits), text)).getMessage());
    }

    /** Feeds all of text in one call and takes the value if it completed. */
    private static void feed(JsonFramer framer, String text) throws JsonException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        framer.feed(bytes, 0, bytes.length);
        if (framer.complete()) {
            framer.take();
        }
    }
}
