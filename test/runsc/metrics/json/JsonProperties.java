// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import runsc.metrics.testing.Gen;
import runsc.metrics.testing.Property;

/**
 * Properties of the reader, writer and framer over generated values (any Unicode text including
 * supplementary and control characters; numbers from longs, finite doubles and raw grammar tokens)
 * and over arbitrary bytes, on the project's seeded harness.
 */
class JsonProperties {
    /** Deep enough for anything the generators make; the default cap is tested elsewhere. */
    private static final JsonLimits DEEP = JsonLimits.DEFAULT.withMaxDepth(JsonLimits.MAX_DEPTH_CEILING);
    /** Small limits for arbitrary bytes, so that both limits are hit now and then. */
    private static final JsonLimits SMALL = JsonLimits.DEFAULT.withMaxDepth(8).withMaxBytes(48);
    /** Nesting of generated values: deep enough to cover every kind of path, shallow enough to stay small. */
    private static final int GENERATED_DEPTH = 4;
    /** A parse of a few dozen bytes that takes longer than this is a hang. */
    private static final long HANG_SECONDS = 10;
    private static final int BYTE_TRIES = 3000;
    private static final ExecutorService WATCHDOG =
            Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("json-watchdog").unstarted(r));

    @AfterAll
    static void stopWatchdog() {
        WATCHDOG.shutdownNow();
    }

    // ---- Generators -------------------------------------------------------------------------

    /** A value nested at most {@code depth} deep; leaves are weighted three to one over containers. */
    static JsonValue value(Gen gen, int depth) {
        if (depth == 0 || gen.intIn(0, 4) < 3) {
            return leaf(gen);
        }
        if (gen.oneIn(2)) {
            return new JsonArray(gen.listOf(4, g -> value(g, depth - 1)));
        }
        Map<String, JsonValue> members = new LinkedHashMap<>();
        for (int i = gen.size(4); i > 0; i--) {
            members.put(text(gen), value(gen, depth - 1));
        }
        return new JsonObject(members);
    }

    static JsonValue value(Gen gen) {
        return value(gen, GENERATED_DEPTH);
    }

    private static JsonValue leaf(Gen gen) {
        return switch (gen.intIn(0, 6)) {
            case 0, 1, 2 -> new JsonString(text(gen));
            case 3, 4, 5 -> number(gen);
            default -> gen.oneOf(JsonBool.TRUE, JsonBool.FALSE, JsonNull.INSTANCE);
        };
    }

    /** Any Unicode text, or text made mostly of the characters a JSON writer must escape. */
    static String text(Gen gen) {
        if (gen.oneIn(2)) {
            return gen.anyString(12);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = gen.size(8); i > 0; i--) {
            sb.appendCodePoint(gen.oneIn(2) ? gen.intIn(0, 0x1f) : gen.oneOf(0x7f, (int) '"', (int) '\\', (int) '<', (int) '>',
                    (int) '&', (int) '/', 0x2028, 0x2029, 0xfeff, 0xfffd, 0x1f600, 0x10ffff));
        }
        return sb.toString();
    }

    static JsonNumber number(Gen gen) {
        return switch (gen.intIn(0, 4)) {
            case 0 -> JsonNumber.of(gen.anyLong());
            case 1, 2 -> JsonNumber.of(anyDouble(gen));
            default -> new JsonNumber(token(gen));
        };
    }

    /** Finite doubles, with subnormals and the values around Go's switches to exponent notation. */
    static double anyDouble(Gen gen) {
        return switch (gen.intIn(0, 5)) {
            case 0 -> Double.longBitsToDouble(gen.longIn(0, 1 << 12)) * (gen.oneIn(2) ? 1 : -1);
            case 1 -> gen.oneOf(1e-6, 9.999999999999999e-7, 1e21, 9.999999999999999e20, -1e21, 5e-324, Double.MAX_VALUE);
            case 2 -> Math.min(gen.intIn(1, 99) * Math.pow(10, gen.intIn(-330, 310)), Double.MAX_VALUE); // 99e308 overflows
            default -> gen.anyFiniteDouble();
        };
    }

    /** A number token straight from the RFC 8259 grammar, kept as written. */
    static String token(Gen gen) {
        String sign = gen.oneIn(2) ? "-" : "";
        String integer = gen.oneIn(4) ? "0" : gen.intIn(1, 9) + gen.stringOf("0123456789", 0, 25);
        String fraction = gen.oneIn(2) ? "" : "." + gen.stringOf("0123456789", 1, 20);
        String exponent = gen.oneIn(2) ? "" : gen.oneOf("e", "E") + gen.oneOf("", "+", "-") + gen.stringOf("0123456789", 1, 4);
        return sign + integer + fraction + exponent;
    }

    /** Arbitrary bytes, JSON-ish bytes, or a valid document with a few bytes replaced, dropped or cut off. */
    static byte[] anyBytes(Gen gen) {
        if (gen.oneIn(3)) {
            return gen.anyBytes(64);
        }
        byte[] doc = Json.writeBytes(value(gen, 3));
        for (int edits = gen.intIn(1, 4); edits > 0 && doc.length > 0; edits--) {
            int at = gen.intIn(0, doc.length - 1);
            switch (gen.intIn(0, 2)) {
                case 0 -> doc[at] = gen.oneIn(2) ? (byte) gen.intIn(0, 255) : (byte) "{}[]\",:\\u0".charAt(gen.intIn(0, 9));
                case 1 -> {
                    byte[] shorter = new byte[doc.length - 1];
                    System.arraycopy(doc, 0, shorter, 0, at);
                    System.arraycopy(doc, at + 1, shorter, at, doc.length - at - 1);
                    doc = shorter;
                }
                default -> doc = Arrays.copyOf(doc, at);
            }
        }
        return doc;
    }

    // ---- Round trip and writer ----------------------------------------------------------------

    @Test
    void parsingWhatWasWrittenGivesTheSameValue() {
        Property.forAll(JsonProperties::value, value -> {
            byte[] written = Json.writeBytes(value);
            JsonValue read = Json.parse(written, DEEP);
            assertEquals(value, read);
            assertArrayEquals(written, Json.writeBytes(read));
            assertEquals(read, Json.parse(Json.write(value))); // through the String entry point too
        });
    }

    @Test
    void writerOutputIsHtmlSafeAndFreeOfRawControlCharacters() {
        Property.forAll(JsonProperties::value, value -> {
            String out = Json.write(value);
            out.chars().forEach(c -> assertFalse(c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029,
                    () -> String.format("U+%04X written raw in %s", c, out)));
        });
    }

    @Test
    void doublesAreWrittenShortestAndReadBackExactly() {
        Property.forAll(JsonProperties::anyDouble, d -> {
            String token = JsonNumber.of(d).token();
            assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(Double.parseDouble(token)), token);
            double magnitude = Math.abs(d);
            assertEquals(magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21), token.contains("e"), token);
            assertFalse(token.contains("E") || token.contains("e-0") || token.contains("e+0") || token.endsWith(".0"), token);
            // No more significant digits than Java's own shortest form, which Go's never exceeds.
            int ours = new BigDecimal(token).stripTrailingZeros().precision();
            int java = new BigDecimal(Double.toString(d)).stripTrailingZeros().precision();
            assertTrue(d == 0 || ours <= java, token + " vs " + d);
        });
    }

    // ---- Any input: a value or a JsonException, never anything else, never a hang ------------------

    @Test
    void parserGivesAValueOrAJsonExceptionForAnyBytes() {
        Property.forAll(BYTE_TRIES, JsonProperties::anyBytes, bytes -> {
            Object outcome = watched(() -> {
                try {
                    return Json.parse(bytes, SMALL);
                } catch (JsonException e) {
                    assertTrue(e.line() >= 1 && e.column() >= 1 && e.path().startsWith("$"), e.getMessage());
                    return e;
                }
            });
            assertTrue(outcome instanceof JsonValue || outcome instanceof JsonException, String.valueOf(outcome));
        });
    }

    @Test
    void framerGivesValuesOrJsonExceptionsForAnyBytesInAnyChunks() {
        Property.forAll(BYTE_TRIES, gen -> new Chunked(anyBytes(gen), gen.listOf(5, g -> g.intIn(1, 9))), input -> {
            Object outcome = watched(() -> frameAll(input.bytes(), input.chunks()));
            assertTrue(outcome instanceof List<?>, String.valueOf(outcome));
        });
    }

    /** Bytes and the sizes of the pieces they are fed in (cycled; empty means all at once). */
    record Chunked(byte[] bytes, List<Integer> chunks) {
        @Override
        public String toString() {
            return new String(bytes, StandardCharsets.ISO_8859_1) + " in chunks " + chunks;
        }
    }

    private static List<Object> frameAll(byte[] bytes, List<Integer> chunks) {
        List<Object> results = new ArrayList<>();
        JsonFramer framer = new JsonFramer(SMALL);
        int at = 0;
        int steps = 0;
        while (at < bytes.length) {
            assertTrue(++steps <= 2 * bytes.length + 2, "no progress at byte " + at);
            int n = chunks.isEmpty() ? bytes.length - at : Math.min(chunks.get(steps % chunks.size()), bytes.length - at);
            try {
                at += framer.feed(bytes, at, n);
                if (framer.complete()) {
                    results.add(framer.take());
                }
            } catch (JsonException e) {
                results.add(e);
                at++; // a limit error drops the value; go on with the rest of the stream
            }
        }
        framer.endOfInput();
        if (framer.complete()) {
            try {
                results.add(framer.take());
            } catch (JsonException e) {
                results.add(e);
            }
        }
        return results;
    }

    @Test
    void framerAndParserAgreeOnASingleDocument() {
        Property.forAll(BYTE_TRIES, JsonProperties::anyBytes, bytes -> {
            JsonValue parsed;
            try {
                parsed = Json.parse(bytes, DEEP);
            } catch (JsonException e) {
                parsed = null;
            }
            JsonFramer framer = new JsonFramer(DEEP);
            int consumed = framer.feed(bytes, 0, bytes.length);
            if (consumed == bytes.length) {
                framer.endOfInput();
            }
            JsonValue framed = null;
            if (framer.complete()) {
                try {
                    framed = framer.take();
                } catch (JsonException e) {
                    framed = null;
                }
            }
            boolean restIsBlank = true;
            for (int i = consumed; i < bytes.length; i++) {
                restIsBlank &= bytes[i] == ' ' || bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == '\t';
            }
            // The parser accepts exactly when the framer finds a good value followed by nothing but blanks.
            assertEquals(parsed, restIsBlank ? framed : null);
        });
    }

    // ---- Framing concatenated values --------------------------------------------------------

    /** Values, the blanks before each and after the last, and the sizes of the pieces fed. */
    record Stream(List<JsonValue> values, List<String> blanks, List<Integer> chunks) {}

    @Test
    void framerSplitsConcatenatedValuesWhereTheParserWould() {
        Property.forAll(gen -> new Stream(gen.listOf(5, JsonProperties::value), gen.listOf(6, g -> g.stringOf(" \t\r\n", 0, 3)),
                gen.listOf(6, g -> g.intIn(1, 13))), input -> {
            List<JsonValue> values = input.values();
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            List<Integer> ends = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                String gap = i < input.blanks().size() ? input.blanks().get(i) : "";
                if (i > 0 && bare(values.get(i - 1)) && bare(values.get(i)) && gap.isEmpty()) {
                    gap = " "; // 1 2 must not become 12
                }
                stream.writeBytes(gap.getBytes(StandardCharsets.US_ASCII));
                stream.writeBytes(Json.writeBytes(values.get(i)));
                ends.add(stream.size());
            }
            if (!input.blanks().isEmpty()) {
                stream.writeBytes(input.blanks().getLast().getBytes(StandardCharsets.US_ASCII));
            }
            byte[] bytes = stream.toByteArray();

            JsonFramer framer = new JsonFramer(DEEP);
            List<JsonValue> framed = new ArrayList<>();
            List<Integer> boundaries = new ArrayList<>();
            List<Integer> chunks = input.chunks().isEmpty() ? List.of(bytes.length + 1) : input.chunks();
            int at = 0;
            for (int step = 0; at < bytes.length; step++) {
                at += framer.feed(bytes, at, Math.min(chunks.get(step % chunks.size()), bytes.length - at));
                if (framer.complete()) {
                    framed.add(framer.take());
                    boundaries.add(at);
                }
            }
            framer.endOfInput();
            if (framer.complete()) {
                framed.add(framer.take());
                boundaries.add(at);
            }
            assertEquals(values, framed);
            assertEquals(ends, boundaries);
            // The full parser reads each framed piece, blanks before it included, as that one value.
            int start = 0;
            for (int i = 0; i < ends.size(); i++) {
                assertEquals(values.get(i), Json.parse(bytes, start, ends.get(i) - start, DEEP));
                start = ends.get(i);
            }
        });
    }

    private static boolean bare(JsonValue v) {
        return v instanceof JsonNumber || v instanceof JsonBool || v instanceof JsonNull;
    }

    /** Runs the work on another thread and fails if it takes longer than a hang. */
    private static Object watched(Callable<Object> work) throws InterruptedException {
        Future<Object> result = WATCHDOG.submit(work);
        try {
            return result.get(HANG_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            throw new AssertionError("no result within " + HANG_SECONDS + " s: a hang");
        } catch (ExecutionException e) {
            return e.getCause(); // anything but a value or a JsonException fails the property
        }
    }
}
