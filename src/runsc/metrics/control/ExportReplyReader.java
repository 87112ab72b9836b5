// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import runsc.metrics.exposition.Bucket;
import runsc.metrics.exposition.Data;
import runsc.metrics.exposition.Histogram;
import runsc.metrics.exposition.LabelMap;
import runsc.metrics.exposition.Metric;
import runsc.metrics.exposition.NumberValue;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.json.Json;

/**
 * Reads a successful {@code Metrics.Export} reply straight from its bytes into a {@link Snapshot},
 * without the JSON tree that {@link ReplyDecoder} walks: that tree (an object per data point,
 * metric, label map and number) was most of what a reply cost to decode, and all of it garbage
 * once the snapshot was made.
 *
 * <p>It reads only what it is sure of and declines everything else (returns null), and the reply
 * then goes the tree's way, which accepts, refuses and words errors as before: so this reader
 * never decides an error, and where it answers, it answers what {@link ReplyDecoder} would. It
 * declines a reply that is not {@code success:true}, any string with an escape or a byte outside
 * printable ASCII, a repeated label name, any value of the wrong type, and anything the strict
 * parser would refuse (it checks the JSON grammar of what it skips as the parser would). Member
 * names match as Go's decoder matches them, ignoring case, the last match in the document winning:
 * each match is read, and replaces what an earlier one gave. Not thread-safe; one per reply.
 */
final class ExportReplyReader {
    /** Thrown to decline; carries nothing. */
    private static final class Decline extends Exception {
        private static final long serialVersionUID = 1L;
        static final Decline INSTANCE = new Decline();

        private Decline() {
            super(null, null, false, false);
        }
    }

    private final byte[] in;
    private final int end;
    private int pos;
    // Where the last member name read starts (after its quote).
    private int nameStart;

    private ExportReplyReader(byte[] in, int offset, int length) {
        this.in = in;
        this.pos = offset;
        this.end = offset + length;
    }

    /**
     * {@return the snapshot of a successful reply, or null to leave the reply to the tree decoder}
     *
     * @param bytes  the reply
     * @param offset its first byte
     * @param length its length
     */
    static Snapshot read(byte[] bytes, int offset, int length) {
        try {
            ExportReplyReader r = new ExportReplyReader(bytes, offset, length);
            r.skipWhitespace();
            Snapshot s = r.envelope();
            r.skipWhitespace();
            return r.pos == r.end ? s : null;
        } catch (Decline | RuntimeException e) {
            // A model record or the time parser refused a value: the tree decoder reports it.
            return null;
        }
    }

    // ---- the reply's structs; every one reads its members in document order, the last match wins

    private Snapshot envelope() throws Decline {
        boolean success = false;
        Snapshot result = null;
        boolean hasResult = false;
        if (openObject()) {
            do {
                int key = memberName();
                if (is(key, "success")) {
                    success = switch (peek()) {
                        case 't' -> literal("true");
                        case 'f' -> !literal("false");
                        case 'n' -> !literal("null");
                        default -> throw Decline.INSTANCE;
                    };
                } else if (is(key, "err")) {
                    if (peek() == 'n') {
                        literal("null");
                    } else {
                        skipString();
                    }
                } else if (is(key, "result")) {
                    result = exportResult();
                    hasResult = true;
                } else {
                    skipValue();
                }
            } while (nextMember());
        }
        if (!success || !hasResult) {
            throw Decline.INSTANCE;
        }
        return result;
    }

    private Snapshot exportResult() throws Decline {
        Snapshot snapshot = null;
        if (openObject()) {
            do {
                int key = memberName();
                if (is(key, "snapshot")) {
                    snapshot = snapshot();
                } else {
                    skipValue();
                }
            } while (nextMember());
        }
        if (snapshot == null) {
            throw Decline.INSTANCE;
        }
        return snapshot;
    }

    private Snapshot snapshot() throws Decline {
        Instant when = ReplyDecoder.GO_ZERO_TIME;
        ZoneId zone = ZoneOffset.UTC;
        List<Data> data = List.of();
        if (openObject()) {
            do {
                int key = memberName();
                if (is(key, "when")) {
                    if (peek() == 'n') {
                        literal("null");
                        when = ReplyDecoder.GO_ZERO_TIME;
                        zone = ZoneOffset.UTC;
                    } else {
                        OffsetDateTime t = WhenText.parse(string());
                        when = t.toInstant();
                        zone = t.getOffset().getTotalSeconds() == 0 ? ZoneOffset.UTC : t.getOffset();
                    }
                } else if (is(key, "data")) {
                    data = data();
                } else {
                    skipValue();
                }
            } while (nextMember());
        }
        return new Snapshot(when, data, zone, OptionalLong.empty());
    }

    private List<Data> data() throws Decline {
        if (peek() == 'n') {
            literal("null");
            return List.of();
        }
        List<Data> out = new ArrayList<>();
        if (openArray()) {
            do {
                out.add(point());
            } while (nextElement());
        }
        return out;
    }

    private Data point() throws Decline {
        Metric metric = null;
        Map<String, String> labels = Map.of();
        NumberValue val = null;
        Histogram histogram = null;
        if (openObject()) {
            do {
                int key = memberName();
                if (is(key, "metric")) {
                    metric = metric();
                } else if (is(key, "labels")) {
                    labels = labels();
                } else if (is(key, "external_labels")) {
                    literal("null"); // anything else is an error
                } else if (is(key, "val")) {
                    val = peek() == 'n' ? nullValue(null) : number();
                } else if (is(key, "histogram")) {
                    histogram = peek() == 'n' ? nullValue(null) : histogram();
                } else {
                    skipValue();
                }
            } while (nextMember());
        }
        if (metric == null || (val == null) == (histogram == null)) {
            throw Decline.INSTANCE;
        }
        return new Data(metric, labels, Map.of(), val, histogram);
    }

    private Metric metric() throws Decline {
        String name = "";
        long type = 0;
        String help = "";
        if (openObject()) {
            do {
                int key = memberName();
                if (is(key, "name")) {
                    name = stringOrNull();
                } else if (is(key, "type")) {
                    type = int64();
                } else if (is(key, "help")) {
                    help = stringOrNull();
                } else {
                    skipValue();
                }
            } while (nextMember());
        }
        if (type != (int) type) {
            throw Decline.INSTANCE;
        }
        return new Metric(name, (int) type, help);
    }

    private Map<String, String> labels() throws Decline {
        if (peek() == 'n') {
            return nullValue(Map.of());
        }
        List<String> pairs = new ArrayList<>(4);
        if (openObject()) {
            do {
                int keyStart = pos + 1;
                int keyEnd = memberName();
                String key = Json.asciiString(in, keyStart, keyEnd);
                for (int i = 0; i < pairs.size(); i += 2) {
                    if (pairs.get(i).equals(key)) {
                        throw Decline.INSTANCE; // a repeated name: the tree keeps its first place
                    }
                }
                pairs.add(key);
                pairs.add(stringOrNull());
            } while (nextMember());
        }
        return LabelMap.ofPairs(pairs.toArray(new String[0]));
    }

    private Histogram histogram() throws Decline {
        NumberValue total = NumberValue.ZERO;
        NumberValue min = NumberValue.ZERO;
        NumberValue max = NumberValue.ZERO;
        NumberValue ssd = NumberValue.ZERO;
        List<Bucket> buckets = List.of();
        if (openObject()) {
            do {
                int key = memberName();
                if (is(key, "total")) {
                    total = numberOrNull();
                } else if (is(key, "min")) {
                    min = numberOrNull();
                } else if (is(key, "max")) {
                    max = numberOrNull();
                } else if (is(key, "ssd")) {
                    ssd = numberOrNull();
                } else if (is(key, "buckets")) {
                    buckets = buckets();
                } else {
                    skipValue();
                }
            } while (nextMember());
        }
        return new Histogram(total, min, max, ssd, buckets);
    }

    private List<Bucket> buckets() throws Decline {
        if (peek() == 'n') {
            return nullValue(List.of());
        }
        List<Bucket> out = new ArrayList<>();
        if (openArray()) {
            do {
                NumberValue le = NumberValue.ZERO;
                long n = 0;
                if (openObject()) {
                    do {
                        int key = memberName();
                        if (is(key, "le")) {
                            le = numberOrNull();
                        } else if (is(key, "n")) {
                            n = uint64();
                        } else {
                            skipValue();
                        }
                    } while (nextMember());
                }
                out.add(new Bucket(le, n));
            } while (nextElement());
        }
        return out;
    }

    /** A Number struct ({@code {"int":..,"float":..}}); null is zero. */
    private NumberValue numberOrNull() throws Decline {
        return peek() == 'n' ? nullValue(NumberValue.ZERO) : number();
    }

    private NumberValue number() throws Decline {
        long i = 0;
        double f = 0;
        if (openObject()) {
            do {
                int key = memberName();
                if (is(key, "int")) {
                    i = int64();
                } else if (is(key, "float")) {
                    if (peek() == 'n') {
                        literal("null");
                        f = 0;
                    } else {
                        int start = pos;
                        numberToken();
                        f = Double.parseDouble(new String(in, start, pos - start, java.nio.charset.StandardCharsets.ISO_8859_1));
                        skipWhitespace();
                    }
                } else {
                    skipValue();
                }
            } while (nextMember());
        }
        return NumberValue.of(i, f);
    }

    // ---- scalars

    /** An int64 token, or null as 0. */
    private long int64() throws Decline {
        if (peek() == 'n') {
            literal("null");
            return 0;
        }
        int start = pos;
        if (!numberToken()) {
            throw Decline.INSTANCE; // a fraction or exponent: not an int64
        }
        int digits = pos - start - (in[start] == '-' ? 1 : 0);
        if (digits > 18) {
            throw Decline.INSTANCE; // may be out of range: the tree says so
        }
        long v = 0;
        for (int k = in[start] == '-' ? start + 1 : start; k < pos; k++) {
            v = v * 10 + (in[k] - '0');
        }
        skipWhitespace();
        return in[start] == '-' ? -v : v;
    }

    /** A uint64 token below 10^18 (larger ones go to the tree), or null as 0. */
    private long uint64() throws Decline {
        if (peek() == '-') {
            throw Decline.INSTANCE;
        }
        return int64();
    }

    /**
     * Skips one RFC 8259 number at {@code pos}, not the whitespace after it, and returns whether it
     * was an integer token; declines what the parser would refuse (a leading zero before a digit, a
     * dot or exponent without digits).
     */
    private boolean numberToken() throws Decline {
        boolean integer = true;
        if (pos < end && in[pos] == '-') {
            pos++;
        }
        if (pos >= end || !digit(in[pos])) {
            throw Decline.INSTANCE;
        }
        if (in[pos] == '0') {
            pos++;
            if (pos < end && digit(in[pos])) {
                throw Decline.INSTANCE;
            }
        } else {
            while (pos < end && digit(in[pos])) {
                pos++;
            }
        }
        if (pos < end && in[pos] == '.') {
            integer = false;
            pos++;
            digits();
        }
        if (pos < end && (in[pos] == 'e' || in[pos] == 'E')) {
            integer = false;
            pos++;
            if (pos < end && (in[pos] == '+' || in[pos] == '-')) {
                pos++;
            }
            digits();
        }
        return integer;
    }

    private void digits() throws Decline {
        if (pos >= end || !digit(in[pos])) {
            throw Decline.INSTANCE;
        }
        while (pos < end && digit(in[pos])) {
            pos++;
        }
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    private String stringOrNull() throws Decline {
        if (peek() == 'n') {
            return nullValue("");
        }
        return string();
    }

    /** A string of printable ASCII without escapes, shared with the parser's cache; else declines. */
    private String string() throws Decline {
        int start = pos + 1;
        int stop = skipString();
        return Json.asciiString(in, start, stop);
    }

    /** Skips a string of printable ASCII without escapes and returns where its closing quote was. */
    private int skipString() throws Decline {
        if (pos >= end || in[pos] != '"') {
            throw Decline.INSTANCE;
        }
        int i = pos + 1;
        while (i < end && in[i] != '"') {
            byte b = in[i];
            if (b < 0x20 || b == '\\' || b == 0x7f) { // negative bytes, non-ASCII, are below 0x20 too
                throw Decline.INSTANCE;
            }
            i++;
        }
        if (i >= end) {
            throw Decline.INSTANCE;
        }
        pos = i + 1;
        skipWhitespace();
        return i;
    }

    /** Reads {@code null} and returns the value it stands for. */
    private <T> T nullValue(T zero) throws Decline {
        literal("null");
        return zero;
    }

    /** Reads the literal, which must be there, and returns true. */
    private boolean literal(String word) throws Decline {
        if (end - pos < word.length()) {
            throw Decline.INSTANCE;
        }
        for (int i = 0; i < word.length(); i++) {
            if (in[pos + i] != word.charAt(i)) {
                throw Decline.INSTANCE;
            }
        }
        pos += word.length();
        if (pos < end && (in[pos] >= 'a' && in[pos] <= 'z' || digit(in[pos]))) {
            throw Decline.INSTANCE; // nullx: the parser refuses it
        }
        skipWhitespace();
        return true;
    }

    // ---- structure

    /** Reads {@code {}: returns false for an empty object (then read whole), true if a member follows. */
    private boolean openObject() throws Decline {
        if (peek() != '{') {
            throw Decline.INSTANCE;
        }
        pos++;
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            skipWhitespace();
            return false;
        }
        return true;
    }

    private boolean openArray() throws Decline {
        if (peek() != '[') {
            throw Decline.INSTANCE;
        }
        pos++;
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            skipWhitespace();
            return false;
        }
        return true;
    }

    /**
     * Reads a member name and its colon; returns the end of the name (its closing quote), which
     * starts at the {@code pos} the call was made at, plus one.
     */
    private int memberName() throws Decline {
        nameStart = pos + 1;
        int stop = skipString();
        if (peek() != ':') {
            throw Decline.INSTANCE;
        }
        pos++;
        skipWhitespace();
        return stop;
    }

    /** Whether the last member name read (ending at {@code stop}) is {@code field}, ignoring ASCII case. */
    private boolean is(int stop, String field) {
        if (stop - nameStart != field.length()) {
            return false;
        }
        for (int i = 0; i < field.length(); i++) {
            int b = in[nameStart + i];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != field.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** After a member: true at a comma (another member follows), false at the closing brace. */
    private boolean nextMember() throws Decline {
        return next('}');
    }

    private boolean nextElement() throws Decline {
        return next(']');
    }

    private boolean next(char close) throws Decline {
        byte b = peek();
        pos++;
        skipWhitespace();
        if (b == ',') {
            return true;
        }
        if (b == close) {
            return false;
        }
        throw Decline.INSTANCE;
    }

    /** Skips any value, checking it as strictly as the parser would, or declines. */
    private void skipValue() throws Decline {
        switch (peek()) {
            case '{' -> {
                if (openObject()) {
                    do {
                        memberName();
                        skipValue();
                    } while (nextMember());
                }
            }
            case '[' -> {
                if (openArray()) {
                    do {
                        skipValue();
                    } while (nextElement());
                }
            }
            case '"' -> skipString();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                numberToken();
                skipWhitespace();
            }
        }
    }

    private byte peek() throws Decline {
        if (pos >= end) {
            throw Decline.INSTANCE;
        }
        return in[pos];
    }

    private void skipWhitespace() {
        while (pos < end) {
            byte b = in[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            pos++;
        }
    }
}
