// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Entry point for reading and writing whole JSON documents.
 *
 * <h2>Parsing</h2>
 * <pre>{@code
 * JsonValue v = Json.parse(Files.readAllBytes(stateFile));           // strict, default limits
 * JsonValue r = Json.parse(reply, JsonLimits.DEFAULT.withDuplicateKeys(KEEP_LAST));
 * }</pre>
 * The parser is strict RFC 8259: no comments, no trailing commas, no NaN or Infinity, no leading
 * zeros, no trailing data after the value, no lone surrogates, only valid UTF-8. Each failure is a
 * {@link JsonException} with the position and JSON path of the problem.
 *
 * <h2>Writing</h2>
 * {@link #write(JsonValue)} gives compact JSON exactly as Go's {@code encoding/json} would write it.
 */
public final class Json {
    private Json() {}

    /**
     * Parses a UTF-8 document under the default limits.
     *
     * @param utf8 the whole document
     * @return its value
     * @throws JsonException if it is not exactly one valid JSON value, or breaks a limit
     */
    public static JsonValue parse(byte[] utf8) throws JsonException {
        return parse(utf8, JsonLimits.DEFAULT);
    }

    /**
     * Parses a UTF-8 document.
     *
     * @param utf8   the whole document
     * @param limits the bounds to enforce
     * @return its value
     * @throws JsonException if it is not exactly one valid JSON value, or breaks a limit
     */
    public static JsonValue parse(byte[] utf8, JsonLimits limits) throws JsonException {
        return new JsonParser(utf8, 0, utf8.length, limits).parseDocument();
    }

    /**
     * Returns the string of printable ASCII bytes, shared with the parser's cache of short strings
     * (member names, metric names and help texts repeat in every reply), for decoders that read
     * bytes themselves ({@link JsonFramer#takeIf}).
     *
     * @param bytes the bytes
     * @param from  first byte
     * @param to    end, exclusive; every byte in between is 0x20 to 0x7e
     * @return a string equal to the bytes, possibly one returned before
     */
    public static String asciiString(byte[] bytes, int from, int to) {
        int hash = 0;
        for (int i = from; i < to; i++) {
            hash = AsciiStrings.hash(hash, bytes[i]);
        }
        return AsciiStrings.of(bytes, from, to, hash);
    }

    /**
     * Parses part of a byte array as a UTF-8 document.
     *
     * @param utf8   the bytes
     * @param offset where the document starts
     * @param length its length in bytes
     * @param limits the bounds to enforce
     * @return its value
     * @throws JsonException if it is not exactly one valid JSON value, or breaks a limit
     */
    public static JsonValue parse(byte[] utf8, int offset, int length, JsonLimits limits) throws JsonException {
        Objects.checkFromIndexSize(offset, length, utf8.length);
        return new JsonParser(utf8, offset, length, limits).parseDocument();
    }

    /**
     * Parses a document given as text under the default limits.
     *
     * @param text the whole document
     * @return its value
     * @throws JsonException if it is not exactly one valid JSON value, or breaks a limit
     */
    public static JsonValue parse(String text) throws JsonException {
        return parse(utf8(text));
    }

    /**
     * Encodes text as UTF-8, except that a lone surrogate becomes its three-byte (CESU-8) form instead
     * of the '?' that {@link String#getBytes} would silently put there, so that the parser rejects it
     * with its position and path.
     */
    private static byte[] utf8(String text) {
        int bad = nextLoneSurrogate(text, 0);
        if (bad < 0) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 16);
        int from = 0;
        for (; bad >= 0; bad = nextLoneSurrogate(text, from)) {
            out.writeBytes(text.substring(from, bad).getBytes(StandardCharsets.UTF_8));
            char c = text.charAt(bad);
            out.write(0xe0 | c >> 12);
            out.write(0x80 | c >> 6 & 0x3f);
            out.write(0x80 | c & 0x3f);
            from = bad + 1;
        }
        out.writeBytes(text.substring(from).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static int nextLoneSurrogate(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Writes a value as compact JSON, the way Go's {@code encoding/json} does.
     *
     * @param value the value
     * @return the JSON text
     */
    public static String write(JsonValue value) {
        StringBuilder out = new StringBuilder(64);
        JsonWriter.write(value, out);
        return out.toString();
    }

    /**
     * Writes a value as compact JSON onto a builder.
     *
     * @param value the value
     * @param out   where to append
     */
    public static void write(JsonValue value, StringBuilder out) {
        JsonWriter.write(value, out);
    }

    /**
     * Writes a value as compact UTF-8 JSON bytes.
     *
     * @param value the value
     * @return the bytes
     */
    public static byte[] writeBytes(JsonValue value) {
        return write(value).getBytes(StandardCharsets.UTF_8);
    }
}
