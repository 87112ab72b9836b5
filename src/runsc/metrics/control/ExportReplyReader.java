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
import runsc.metrics.control.ReplyScanner.Decline;
import runsc.metrics.exposition.Bucket;
import runsc.metrics.exposition.Data;
import runsc.metrics.exposition.Histogram;
import runsc.metrics.exposition.LabelMap;
import runsc.metrics.exposition.Metric;
import runsc.metrics.exposition.NumberValue;
import runsc.metrics.exposition.Snapshot;

/**
 * Reads a successful {@code Metrics.Export} reply straight from its bytes into a {@link Snapshot},
 * without the JSON tree that {@link ReplyDecoder} walks: that tree (an object per data point,
 * metric, label map and number) is most of what a reply costs to decode that way, and all of it
 * garbage once the snapshot is made.
 *
 * <p>It reads only what it is sure of and declines everything else (returns null), and the reply
 * then goes the tree's way, which accepts, refuses and words errors as before: so this reader
 * never decides an error, and where it answers, it answers what {@link ReplyDecoder} would. It
 * declines a reply that is not {@code success:true}, any string with an escape or a byte outside
 * printable ASCII, a repeated label name, any value of the wrong type, and anything the strict
 * parser would refuse (it checks the JSON grammar of what it skips as the parser would). Member
 * names match as Go's decoder matches them, ignoring case, the last match in the document winning:
 * each match is read, and replaces what an earlier one gave. This class knows the reply's structs;
 * a {@link ReplyScanner} reads the bytes. Not thread-safe; one per reply.
 */
final class ExportReplyReader {
    // The members each struct reads, as Go names its fields (lower case); the others are skipped.
    private static final String[] ENVELOPE = {"success", "err", "result"};
    private static final String[] EXPORT_RESULT = {"snapshot"};
    private static final String[] SNAPSHOT = {"when", "data"};
    private static final String[] POINT = {"metric", "labels", "external_labels", "val", "histogram"};
    private static final String[] METRIC = {"name", "type", "help"};
    private static final String[] HISTOGRAM = {"total", "min", "max", "ssd", "buckets"};
    private static final String[] BUCKET = {"le", "n"};
    private static final String[] NUMBER = {"int", "float"};

    private final ReplyScanner s;

    private ExportReplyReader(ReplyScanner s) {
        this.s = s;
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
            ReplyScanner s = new ReplyScanner(bytes, offset, length);
            Snapshot snapshot = new ExportReplyReader(s).envelope();
            return s.atEnd() ? snapshot : null;
        } catch (Decline | RuntimeException e) {
            // A model record or the time parser refused a value: the tree decoder reports it.
            return null;
        }
    }

    /** Reads one element of a slice. */
    @FunctionalInterface
    private interface Element<T> {
        T read(ExportReplyReader reader) throws Decline;
    }

    /** A Go slice of the elements {@code element} reads; null is empty. */
    private <T> List<T> slice(Element<T> element) throws Decline {
        if (s.skipNull()) {
            return List.of();
        }
        List<T> out = new ArrayList<>();
        if (s.firstElement()) {
            do {
                out.add(element.read(this));
            } while (s.nextElement());
        }
        return out;
    }

    // ---- the reply's structs; every one reads its members in document order, the last match wins

    private Snapshot envelope() throws Decline {
        boolean success = false;
        Snapshot result = null;
        boolean hasResult = false;
        for (String field = s.firstField(ENVELOPE); field != null; field = s.nextField(ENVELOPE)) {
            switch (field) {
                case "success" -> success = switch (s.peek()) {
                    case 't' -> s.literal("true");
                    case 'f' -> !s.literal("false");
                    case 'n' -> !s.literal("null");
                    default -> throw Decline.INSTANCE;
                };
                case "err" -> {
                    if (!s.skipNull()) {
                        s.skipString();
                    }
                }
                case "result" -> {
                    result = exportResult();
                    hasResult = true;
                }
                default -> s.skipValue();
            }
        }
        if (!success || !hasResult) {
            throw Decline.INSTANCE;
        }
        return result;
    }

    private Snapshot exportResult() throws Decline {
        Snapshot snapshot = null;
        for (String field = s.firstField(EXPORT_RESULT); field != null; field = s.nextField(EXPORT_RESULT)) {
            if (field.equals("snapshot")) {
                snapshot = snapshot();
            } else {
                s.skipValue();
            }
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
        for (String field = s.firstField(SNAPSHOT); field != null; field = s.nextField(SNAPSHOT)) {
            switch (field) {
                case "when" -> {
                    if (s.skipNull()) {
                        when = ReplyDecoder.GO_ZERO_TIME;
                        zone = ZoneOffset.UTC;
                    } else {
                        OffsetDateTime t = WhenText.parse(s.string());
                        when = t.toInstant();
                        zone = WhenText.zoneOf(t);
                    }
                }
                case "data" -> data = slice(ExportReplyReader::point);
                default -> s.skipValue();
            }
        }
        return new Snapshot(when, data, zone, OptionalLong.empty());
    }

    private Data point() throws Decline {
        Metric metric = null;
        Map<String, String> labels = Map.of();
        NumberValue val = null;
        Histogram histogram = null;
        for (String field = s.firstField(POINT); field != null; field = s.nextField(POINT)) {
            switch (field) {
                case "metric" -> metric = metric();
                case "labels" -> labels = labels();
                case "external_labels" -> s.literal("null"); // anything else is an error
                case "val" -> val = s.skipNull() ? null : number();
                case "histogram" -> histogram = s.skipNull() ? null : histogram();
                default -> s.skipValue();
            }
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
        for (String field = s.firstField(METRIC); field != null; field = s.nextField(METRIC)) {
            switch (field) {
                case "name" -> name = stringOrNull();
                case "type" -> type = s.int64();
                case "help" -> help = stringOrNull();
                default -> s.skipValue();
            }
        }
        if (type != (int) type) {
            throw Decline.INSTANCE;
        }
        return new Metric(name, (int) type, help);
    }

    private Map<String, String> labels() throws Decline {
        if (s.skipNull()) {
            return Map.of();
        }
        List<String> pairs = new ArrayList<>(4);
        for (String key = s.firstName(); key != null; key = s.nextName()) {
            for (int i = 0; i < pairs.size(); i += 2) {
                if (pairs.get(i).equals(key)) {
                    throw Decline.INSTANCE; // a repeated name: the tree keeps its first place
                }
            }
            pairs.add(key);
            pairs.add(stringOrNull());
        }
        return LabelMap.ofPairs(pairs.toArray(new String[0]));
    }

    private Histogram histogram() throws Decline {
        NumberValue total = NumberValue.ZERO;
        NumberValue min = NumberValue.ZERO;
        NumberValue max = NumberValue.ZERO;
        NumberValue ssd = NumberValue.ZERO;
        List<Bucket> buckets = List.of();
        for (String field = s.firstField(HISTOGRAM); field != null; field = s.nextField(HISTOGRAM)) {
            switch (field) {
                case "total" -> total = numberOrNull();
                case "min" -> min = numberOrNull();
                case "max" -> max = numberOrNull();
                case "ssd" -> ssd = numberOrNull();
                case "buckets" -> buckets = slice(ExportReplyReader::bucket);
                default -> s.skipValue();
            }
        }
        return new Histogram(total, min, max, ssd, buckets);
    }

    private Bucket bucket() throws Decline {
        NumberValue le = NumberValue.ZERO;
        long n = 0;
        for (String field = s.firstField(BUCKET); field != null; field = s.nextField(BUCKET)) {
            switch (field) {
                case "le" -> le = numberOrNull();
                case "n" -> n = s.uint64();
                default -> s.skipValue();
            }
        }
        return new Bucket(le, n);
    }

    /** A Number struct ({@code {"int":..,"float":..}}); null is zero. */
    private NumberValue numberOrNull() throws Decline {
        return s.skipNull() ? NumberValue.ZERO : number();
    }

    private NumberValue number() throws Decline {
        long i = 0;
        double f = 0;
        for (String field = s.firstField(NUMBER); field != null; field = s.nextField(NUMBER)) {
            switch (field) {
                case "int" -> i = s.int64();
                case "float" -> f = s.float64();
                default -> s.skipValue();
            }
        }
        return NumberValue.of(i, f);
    }

    /** A Go string; null leaves it empty. */
    private String stringOrNull() throws Decline {
        return s.skipNull() ? "" : s.string();
    }
}
