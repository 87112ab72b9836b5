// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for one RFC 8259 document held in a byte array (UTF-8). One method per
 * grammar rule; every failure goes through {@link #failure}, which computes line, column and path only
 * when something is wrong, so the happy path pays for a depth counter and two array stores per value.
 */
final class JsonParser {
    private final byte[] in;
    private final int start;
    private final int end;
    private final JsonLimits limits;
    private int pos;
    private int depth;
    // The path of the value being parsed: at each depth either a member name or an element index.
    private String[] pathKeys = new String[16];
    private int[] pathIndices = new int[16];
    // One member builder and one element list per nesting level, reused by every container at that
    // level: a reply has thousands of small objects, and each container copies its items out at
    // their exact size when it closes.
    private Members.Builder[] builders = new Members.Builder[16];
    private List<JsonValue>[] lists = newLists(16);

    JsonParser(byte[] in, int offset, int length, JsonLimits limits) {
        this.in = in;
        this.start = offset;
        this.pos = offset;
        this.end = offset + length;
        this.limits = limits;
    }

    @SuppressWarnings("unchecked")
    private static List<JsonValue>[] newLists(int n) {
        return (List<JsonValue>[]) new List<?>[n];
    }

    /** Parses the whole input as one value with nothing but whitespace around it. */
    JsonValue parseDocument() throws JsonException {
        if (end - pos > limits.maxBytes()) {
            pos += limits.maxBytes();
            throw failure("document is larger than the limit of " + limits.maxBytes() + " bytes");
        }
        skipWhitespace();
        JsonValue value = parseValue();
        skipWhitespace();
        if (pos < end) {
            throw failure("unexpected data after the top-level value");
        }
        return value;
    }

    // See https://datatracker.ietf.org/doc/html/rfc8259#section-3
    private JsonValue parseValue() throws JsonException {
        if (pos >= end) {
            throw failure("unexpected end of input, expecting a value");
        }
        return switch (in[pos]) {
            case '{' -> parseObject();
            case '[' -> parseArray();
            case '"' -> new JsonString(parseString());
            case 't' -> parseLiteral("true", JsonBool.TRUE);
            case 'f' -> parseLiteral("false", JsonBool.FALSE);
            case 'n' -> parseLiteral("null", JsonNull.INSTANCE);
            case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> parseNumber();
            default -> throw failure("unexpected character " + describe(pos) + ", expecting a value");
        };
    }

    // See https://datatracker.ietf.org/doc/html/rfc8259#section-4
    private JsonObject parseObject() throws JsonException {
        enter();
        pos++; // '{'
        Members.Builder members = builders[depth];
        if (members == null) {
            members = builders[depth] = new Members.Builder();
        }
        skipWhitespace();
        if (pos < end && in[pos] == '}') {
            pos++;
            depth--;
            return JsonObject.EMPTY;
        }
        while (true) {
            pathKeys[depth] = null; // until the name is read, the path is the object's own
            skipWhitespace();
            if (pos >= end || in[pos] != '"') {
                throw failure(pos >= end ? "object was not closed with '}'" : "expected '\"' to start a member name but got " + describe(pos));
            }
            int keyStart = pos;
            String key = parseString();
            pathKeys[depth] = key;
            if (limits.duplicateKeys() == JsonLimits.DuplicateKeys.REJECT && members.contains(key)) {
                pos = keyStart;
                StringBuilder quoted = new StringBuilder(key.length() + 2);
                JsonWriter.string(key, quoted);
                throw failure("duplicate member name " + quoted);
            }
            skipWhitespace();
            if (pos >= end || in[pos] != ':') {
                throw failure("expected ':' after the member name but got " + describe(pos));
            }
            pos++;
            skipWhitespace();
            members.put(key, parseValue()); // KEEP_LAST: the value is replaced, the position kept
            if (closedAfterValue((byte) '}', "object", "an object member")) {
                return new JsonObject(members.build());
            }
        }
    }

    // See https://datatracker.ietf.org/doc/html/rfc8259#section-5
    private JsonArray parseArray() throws JsonException {
        enter();
        pos++; // '['
        List<JsonValue> elements = lists[depth];
        if (elements == null) {
            elements = lists[depth] = new ArrayList<>();
        }
        skipWhitespace();
        if (pos < end && in[pos] == ']') {
            pos++;
            depth--;
            return new JsonArray(List.of());
        }
        while (true) {
            pathIndices[depth] = elements.size();
            skipWhitespace();
            elements.add(parseValue());
            if (closedAfterValue((byte) ']', "array", "an array element")) {
                JsonArray array = new JsonArray(elements); // copies the elements
                elements.clear();
                return array;
            }
        }
    }

    /**
     * Reads what follows a member or an element: the container's closing byte (then the container
     * is left and this returns true) or a comma (false); anything else is an error.
     */
    private boolean closedAfterValue(byte close, String container, String item) throws JsonException {
        skipWhitespace();
        if (pos >= end) {
            throw failure(container + " was not closed with '" + (char) close + "'");
        }
        byte b = in[pos++];
        if (b == close) {
            depth--;
            return true;
        }
        if (b != ',') {
            pos--;
            throw failure("expected ',' or '" + (char) close + "' after " + item + " but got " + describe(pos));
        }
        return false;
    }

    private void enter() throws JsonException {
        if (depth + 1 > limits.maxDepth()) {
            throw failure("nesting is deeper than the limit of " + limits.maxDepth() + " levels");
        }
        depth++;
        if (depth >= pathKeys.length) {
            pathKeys = java.util.Arrays.copyOf(pathKeys, pathKeys.length * 2);
            pathIndices = java.util.Arrays.copyOf(pathIndices, pathIndices.length * 2);
            builders = java.util.Arrays.copyOf(builders, builders.length * 2);
            lists = java.util.Arrays.copyOf(lists, lists.length * 2);
        }
        pathKeys[depth] = null;
        pathIndices[depth] = -1;
    }

    // See https://datatracker.ietf.org/doc/html/rfc8259#section-7
    private String parseString() throws JsonException {
        int start = pos;
        pos++; // opening quote
        int runStart = pos;
        // Fast path: printable ASCII without escapes, the common case for names and IDs, which
        // repeat so often that a shared cache hands out one String for each.
        int hash = 0;
        while (pos < end) {
            byte b = in[pos];
            if (b == '"') {
                String s = AsciiStrings.of(in, runStart, pos, hash);
                pos++;
                return s;
            }
            if (b == '\\' || b < 0x20) {
                break; // negative bytes (non-ASCII) are < 0x20 too: the slow path decodes them
            }
            hash = AsciiStrings.hash(hash, b);
            pos++;
        }
        StringBuilder sb = new StringBuilder(pos - runStart + 16);
        sb.append(new String(in, runStart, pos - runStart, StandardCharsets.ISO_8859_1));
        while (true) {
            if (pos >= end) {
                pos = start;
                throw failure("unterminated string");
            }
            int b = in[pos] & 0xff;
            if (b == '"') {
                pos++;
                return sb.toString();
            } else if (b == '\\') {
                parseEscape(sb);
            } else if (b < 0x20) {
                throw failure(String.format("control character U+%04X in string (must be escaped)", b));
            } else if (b < 0x80) {
                sb.append((char) b);
                pos++;
            } else {
                decodeUtf8(sb);
            }
        }
    }

    private void parseEscape(StringBuilder sb) throws JsonException {
        int escapeStart = pos;
        if (pos + 1 >= end) {
            throw failure("unterminated escape sequence");
        }
        byte e = in[pos + 1];
        pos += 2;
        switch (e) {
            case '"' -> sb.append('"');
            case '\\' -> sb.append('\\');
            case '/' -> sb.append('/');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'u' -> {
                char c = hex4(escapeStart);
                if (Character.isHighSurrogate(c)) {
                    if (pos + 6 <= end && in[pos] == '\\' && in[pos + 1] == 'u') {
                        int lowStart = pos;
                        pos += 2;
                        char low = hex4(lowStart);
                        if (Character.isLowSurrogate(low)) {
                            sb.append(c).append(low);
                            return;
                        }
                    }
                    pos = escapeStart;
                    throw failure(String.format("lone surrogate \\u%04x in string", (int) c));
                }
                if (Character.isLowSurrogate(c)) {
                    pos = escapeStart;
                    throw failure(String.format("lone surrogate \\u%04x in string", (int) c));
                }
                sb.append(c);
            }
            default -> {
                pos = escapeStart;
                throw failure("invalid escape sequence");
            }
        }
    }

    private char hex4(int escapeStart) throws JsonException {
        if (pos + 4 > end) {
            pos = escapeStart;
            throw failure("truncated \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(in[pos + i], 16);
            if (d < 0) {
                pos = escapeStart;
                throw failure("invalid hex digit in \\u escape");
            }
            v = v << 4 | d;
        }
        pos += 4;
        return (char) v;
    }

    /** Decodes one multi-byte UTF-8 sequence strictly (no overlong forms, no surrogates, max U+10FFFF). */
    private void decodeUtf8(StringBuilder sb) throws JsonException {
        int b0 = in[pos] & 0xff;
        int need;
        int cp;
        int min;
        if (b0 >= 0xc2 && b0 <= 0xdf) {
            need = 1; cp = b0 & 0x1f; min = 0x80;
        } else if (b0 >= 0xe0 && b0 <= 0xef) {
            need = 2; cp = b0 & 0x0f; min = 0x800;
        } else if (b0 >= 0xf0 && b0 <= 0xf4) {
            need = 3; cp = b0 & 0x07; min = 0x10000;
        } else {
            throw failure(String.format("invalid UTF-8 byte 0x%02x", b0));
        }
        if (pos + need >= end) {
            throw failure("truncated UTF-8 sequence");
        }
        for (int i = 1; i <= need; i++) {
            int b = in[pos + i] & 0xff;
            if ((b & 0xc0) != 0x80) {
                throw failure(String.format("invalid UTF-8 sequence at byte 0x%02x", b0));
            }
            cp = cp << 6 | (b & 0x3f);
        }
        if (cp >= 0xd800 && cp <= 0xdfff) {
            // What a Java string with a lone surrogate turns into (see Json.parse(String)), and CESU-8.
            throw failure(String.format("invalid UTF-8: encoded surrogate U+%04X", cp));
        }
        if (cp < min || cp > 0x10ffff) {
            throw failure(String.format("invalid UTF-8 sequence at byte 0x%02x", b0));
        }
        sb.appendCodePoint(cp);
        pos += need + 1;
    }

    // See https://datatracker.ietf.org/doc/html/rfc8259#section-6
    private JsonNumber parseNumber() throws JsonException {
        int first = pos;
        int stop = JsonNumber.NumberGrammar.end(new AsciiView(in, end), pos);
        if (stop < 0) {
            pos = JsonNumber.NumberGrammar.failedAt(stop);
            byte before = in[pos - 1];
            throw failure(before == '.' ? "invalid number, expecting a digit after '.'"
                    : pos - 1 == first ? "invalid number, expecting a digit after '-'"
                    : "invalid number, expecting a digit in the exponent");
        }
        int digitsStart = in[first] == '-' ? first + 1 : first;
        if (in[digitsStart] == '0' && stop < end && in[stop] >= '0' && in[stop] <= '9') {
            throw failure("invalid number, leading zero");
        }
        pos = stop;
        return new JsonNumber(new String(in, first, stop - first, StandardCharsets.ISO_8859_1));
    }

    private JsonValue parseLiteral(String word, JsonValue value) throws JsonException {
        for (int i = 0; i < word.length(); i++) {
            if (pos + i >= end || in[pos + i] != word.charAt(i)) {
                throw failure("invalid literal, expecting " + word);
            }
        }
        pos += word.length();
        return value;
    }

    private void skipWhitespace() {
        pos = JsonWhitespace.skip(in, pos, end);
    }

    /** Names the character at a position for "but got ..." messages. */
    private String describe(int at) {
        if (at >= end) {
            return "end of input";
        }
        int b = in[at] & 0xff;
        if (b >= 0x80) {
            int c = new String(in, at, Math.min(4, end - at), StandardCharsets.UTF_8).codePointAt(0);
            boolean replaced = c == 0xfffd && !(b == 0xef && end - at >= 3 && (in[at + 1] & 0xff) == 0xbf && (in[at + 2] & 0xff) == 0xbd);
            if (replaced) {
                return String.format("byte 0x%02x", b); // not UTF-8
            }
            return JsonException.invisible(c) ? String.format("U+%04X", c) : "'" + Character.toString(c) + "'";
        }
        return JsonException.invisible(b) ? String.format("U+%04X", b) : "'" + (char) b + "'";
    }

    /** Every parse error goes through here; position and path are computed only on failure. */
    private JsonException failure(String problem) {
        return JsonException.at(problem, in, start, Math.min(pos, end), end, path());
    }

    private String path() {
        StringBuilder sb = new StringBuilder("$");
        for (int d = 1; d <= depth; d++) {
            if (pathKeys[d] != null) {
                JsonPath.appendKey(sb, pathKeys[d]);
            } else if (pathIndices[d] >= 0) {
                JsonPath.appendIndex(sb, pathIndices[d]);
            }
        }
        return sb.toString();
    }

    /** Bytes seen as chars, for the number grammar (numbers are ASCII; other bytes just stop it). */
    private record AsciiView(byte[] bytes, int length) implements CharSequence {
        @Override
        public char charAt(int index) {
            return (char) (bytes[index] & 0xff);
        }

        @Override
        public CharSequence subSequence(int start, int stop) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String toString() {
            return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        }
    }
}
