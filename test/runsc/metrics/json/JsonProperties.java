// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;

class JsonProperties {
    /** Deep enough for anything the generators make; the default cap is tested elsewhere. */
    private static final JsonLimits DEEP = JsonLimits.DEFAULT.withMaxDepth(JsonLimits.MAX_DEPTH_CEILING);
    /** A parse of a few kilobytes that takes longer than this is a hang. */
    private static final long HANG_SECONDS = 10;
    private static final ExecutorService WATCHDOG =
            Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("json-watchdog").unstarted(r));

    @AfterContainer
    static void stopWatchdog() {
        WATCHDOG.shutdownNow();
    }

    // ---- Generators -------------------------------------------------------------------------

    @Provide
    Arbitrary<JsonValue> values() {
        return value();
    }

    /** Nesting of generated values: deep enough to cover every path, shallow enough to stay small. */
    private static final int GENERATED_DEPTH = 4;
    private static final Arbitrary<JsonValue> VALUE = value(GENERATED_DEPTH);

    static Arbitrary<JsonValue> value() {
        return VALUE;
    }

    /**
     * Values nested at most {@code depth} deep. Recursion is unrolled (each level built once from the
     * level below) rather than lazy, which jqwik 1.10 generates far more slowly; leaves are weighted
     * three to one over containers so that most values stay small.
     */
    @SuppressWarnings("unchecked")
    private static Arbitrary<JsonValue> value(int depth) {
        Arbitrary<JsonValue> leaf = leaf();
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<JsonValue> inner = value(depth - 1);
        Arbitrary<JsonValue> array = inner.list().ofMaxSize(4).map(JsonArray::new);
        Arbitrary<JsonValue> object = Arbitraries.maps(strings(), inner).ofMaxSize(4).map(JsonObject::new);
        return Arbitraries.frequencyOf(Tuple.of(3, leaf), Tuple.of(1, array), Tuple.of(1, object));
    }

    @SuppressWarnings("unchecked")
    private static Arbitrary<JsonValue> leaf() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, strings().map(JsonString::new)),
                Tuple.of(3, numbers()),
                Tuple.of(1, Arbitraries.of(JsonBool.TRUE, JsonBool.FALSE, JsonNull.INSTANCE)));
    }

    /** Any Unicode text: ASCII, controls, characters Go escapes, the BMP and supplementary planes. */
    @SuppressWarnings("unchecked")
    static Arbitrary<String> strings() {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0x20, 0x7e)),
                Tuple.of(1, Arbitraries.integers().between(0, 0x1f)),
                Tuple.of(1, Arbitraries.of(0x7f, (int) '"', (int) '\\', (int) '<', (int) '>', (int) '&', 0x2028, 0x2029, 0xfeff, 0xfffd)),
                Tuple.of(2, Arbitraries.integers().between(0x80, 0xffff).filter(c -> c < 0xd800 || c > 0xdfff)),
                Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10ffff)));
        return codePoint.list().ofMaxSize(12).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
    }

    @SuppressWarnings("unchecked")
    static Arbitrary<JsonNumber> numbers() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.longs().map(JsonNumber::of)),
                Tuple.of(2, finiteDoubles().map(JsonNumber::of)),
                Tuple.of(1, tokens().map(JsonNumber::new)));
    }

    @SuppressWarnings("unchecked")
    static Arbitrary<Double> finiteDoubles() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.doubles()),
                Tuple.of(2, Arbitraries.longs().map(Double::longBitsToDouble).filter(Double::isFinite)),
                Tuple.of(1, Arbitraries.longs().between(0, 1L << 12).map(Double::longBitsToDouble)), // subnormals
                Tuple.of(1, Arbitraries.of(0.0, -0.0, 1e-6, 9.999999999999999e-7, 1e21, 9.999999999999999e20, Double.MAX_VALUE)));
    }

    /** Number tokens straight from the RFC 8259 grammar, kept as written. */
    static Arbitrary<String> tokens() {
        Arbitrary<String> integer = Arbitraries.oneOf(Arbitraries.just("0"),
                Combinators.combine(Arbitraries.integers().between(1, 9), Arbitraries.strings().numeric().ofMaxLength(25))
                        .as((d, rest) -> d + rest));
        Arbitrary<String> fraction = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(20).map(s -> "." + s));
        Arbitrary<String> exponent = Arbitraries.oneOf(Arbitraries.just(""),
                Combinators.combine(Arbitraries.of("e", "E"), Arbitraries.of("", "+", "-"),
                        Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(4)).as((e, s, d) -> e + s + d));
        return Combinators.combine(Arbitraries.of("", "-"), integer, fraction, exponent).as((s, i, f, e) -> s + i + f + e);
    }

    @Provide
    Arbitrary<byte[]> anyBytes() {
        List<Byte> alphabet = new ArrayList<>();
        for (byte b : "{}[]\",:\\ \n0123456789-+.eEtrufalsn/ubx".getBytes(StandardCharsets.US_ASCII)) {
            alphabet.add(b);
        }
        @SuppressWarnings("unchecked")
        Arbitrary<Byte> jsonish = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of(alphabet)), Tuple.of(1, Arbitraries.bytes()));
        Arbitrary<byte[]> mutated = Combinators.combine(value(), Arbitraries.integers().list().ofMinSize(1).ofMaxSize(4),
                Arbitraries.bytes()).as(JsonProperties::mutate);
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
                jsonish.array(byte[].class).ofMaxSize(64),
                mutated);
    }

    /** A valid document with a few bytes replaced, dropped, or the end cut off. */
    private static byte[] mutate(JsonValue value, List<Integer> edits, byte replacement) {
        byte[] doc = Json.writeBytes(value);
        for (int edit : edits) {
            if (doc.length == 0) {
                break;
            }
            int at = Math.floorMod(edit, doc.length);
            switch (Math.floorMod(edit >> 16, 3)) {
                case 0 -> doc[at] = replacement;
                case 1 -> {
                    byte[] shorter = new byte[doc.length - 1];
                    System.arraycopy(doc, 0, shorter, 0, at);
                    System.arraycopy(doc, at + 1, shorter, at, doc.length - at - 1);
                    doc = shorter;
                }
                default -> doc = java.util.Arrays.copyOf(doc, at);
            }
        }
        return doc;
    }

    // ---- Round trip and writer ----------------------------------------------------------------

    @Property
    void parsingWhatWasWrittenGivesTheSameValue(@ForAll("values") JsonValue value) throws JsonException {
        byte[] written = Json.writeBytes(value);
        JsonValue read = Json.parse(written, DEEP);
        assertEquals(value, read);
        assertArrayEquals(written, Json.writeBytes(read));
        assertEquals(read, Json.parse(Json.write(value))); // through the String entry point too
    }

    @Property
    void writerOutputIsHtmlSafeAndFreeOfRawControlCharacters(@ForAll("values") JsonValue value) {
        String out = Json.write(value);
        out.chars().forEach(c -> assertFalse(c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029,
                () -> String.format("U+%04X written raw in %s", c, out)));
    }

    @Property
    void doublesAreWrittenShortestAndReadBackExactly(@ForAll("doubles") double d) {
        String token = JsonNumber.of(d).token();
        assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(Double.parseDouble(token)), token);
        double magnitude = Math.abs(d);
        boolean exponent = token.contains("e");
        assertEquals(magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21), exponent, token);
        assertFalse(token.contains("E") || token.contains("e-0") || token.contains("e+0") || token.endsWith(".0"), token);
        // No more significant digits than Java's own shortest form (which Go's never exceeds).
        int ours = new java.math.BigDecimal(token).stripTrailingZeros().precision();
        int java = new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros().precision();
        assertTrue(d == 0 || ours <= java, token + " vs " + Double.toString(d));
    }

    @Provide
    Arbitrary<Double> doubles() {
        return finiteDoubles();
    }

    // ---- Any input: a value or a JsonException, never anything else, never a hang ------------------

    @Property(tries = 2000)
    void parserGivesAValueOrAJsonExceptionForAnyBytes(@ForAll("anyBytes") byte[] bytes) throws Exception {
        Object outcome = watched(() -> {
            try {
                return Json.parse(bytes, JsonLimits.DEFAULT.withMaxDepth(8).withMaxBytes(48));
            } catch (JsonException e) {
                assertTrue(e.line() >= 1 && e.column() >= 1 && e.path().startsWith("$"), e.getMessage());
                return e;
            }
        });
        assertTrue(outcome instanceof JsonValue || outcome instanceof JsonException, String.valueOf(outcome));
    }

    @Property(tries = 2000)
    void framerGivesValuesOrJsonExceptionsForAnyBytes(@ForAll("anyBytes") byte[] bytes,
            @ForAll @Size(min = 1, max = 5) List<@IntRange(min = 1, max = 9) Integer> chunks) throws Exception {
        Object outcome = watched(() -> {
            List<Object> results = new ArrayList<>();
            JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT.withMaxDepth(8).withMaxBytes(48));
            int at = 0;
            int steps = 0;
            while (at < bytes.length) {
                assertTrue(++steps <= 2 * bytes.length + 2, "no progress at byte " + at);
                int n = Math.min(chunks.get(steps % chunks.size()), bytes.length - at);
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
        });
        assertTrue(outcome instanceof List<?>, String.valueOf(outcome));
    }

    @Property(tries = 2000)
    void framerAndParserAgreeOnASingleDocument(@ForAll("anyBytes") byte[] bytes) throws JsonException {
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
    }

    // ---- Framing concatenated values --------------------------------------------------------

    @Property
    void framerSplitsConcatenatedValuesWhereTheyEnd(@ForAll("valueLists") List<JsonValue> values,
            @ForAll("blankLists") List<String> blanks,
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 13) Integer> chunks) throws JsonException {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<Integer> ends = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            String gap = blanks.get(i);
            if (i > 0 && bare(values.get(i - 1)) && bare(values.get(i)) && gap.isEmpty()) {
                gap = " "; // 1 2 must not become 12
            }
            stream.writeBytes(gap.getBytes(StandardCharsets.US_ASCII));
            stream.writeBytes(Json.writeBytes(values.get(i)));
            ends.add(stream.size());
        }
        stream.writeBytes(blanks.get(5).getBytes(StandardCharsets.US_ASCII));
        byte[] bytes = stream.toByteArray();

        JsonFramer framer = new JsonFramer(DEEP);
        List<JsonValue> framed = new ArrayList<>();
        List<Integer> boundaries = new ArrayList<>();
        int at = 0;
        for (int step = 0; at < bytes.length; step++) {
            int n = Math.min(chunks.get(step % chunks.size()), bytes.length - at);
            at += framer.feed(bytes, at, n);
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
    }

    @Provide
    Arbitrary<List<JsonValue>> valueLists() {
        return value().list().ofMinSize(1).ofMaxSize(5);
    }

    /** Six runs of blanks: before each of up to five values, and after the last. */
    @Provide
    Arbitrary<List<String>> blankLists() {
        return Arbitraries.strings().withChars(" \t\r\n").ofMaxLength(3).list().ofSize(6);
    }

    private static boolean bare(JsonValue v) {
        return v instanceof JsonNumber || v instanceof JsonBool || v instanceof JsonNull;
    }

    /** Runs the work on another thread and fails if it takes longer than a hang. */
    private static Object watched(java.util.concurrent.Callable<Object> work) throws Exception {
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
