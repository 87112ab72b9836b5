// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import runsc.metrics.gotext.GoText;

class ExpositionWriterTest {
    static final Instant T = Instant.parse("2023-01-02T03:04:05.678Z");
    static final String SUMMARY = "# Writing data from snapshot containing 1 data points taken at 2023-01-02 03:04:05.678 +0000 UTC.\n\n";
    static final String END = "\n# End of metric data.\n";
    static final Metric GAUGE = new Metric("g", MetricType.GAUGE, "A gauge");
    static final PrefixAndLabels PLAIN = new PrefixAndLabels("", Map.of());

    static String write(WriteOptions options, LabeledSnapshot... snapshots) throws IOException {
        var out = new ByteArrayOutputStream();
        long n = new ExpositionWriter().write(out, options, List.of(snapshots));
        assertEquals(out.size(), n);
        return out.toString(StandardCharsets.UTF_8);
    }

    static LabeledSnapshot one(Data data, PrefixAndLabels options) {
        return new LabeledSnapshot(new Snapshot(T, List.of(data)), options);
    }

    static String gaugeLine(Map<String, String> labels, NumberValue value) throws IOException {
        String out = write(WriteOptions.DEFAULT, one(Data.ofNumber(GAUGE, labels, value), PLAIN));
        String head = SUMMARY + "\n# HELP g A gauge\n# TYPE g gauge\n";
        assertTrue(out.startsWith(head) && out.endsWith(END), out);
        return out.substring(head.length(), out.length() - END.length());
    }

    @Test
    void writesNothingForNoSnapshots() throws IOException {
        var out = new ByteArrayOutputStream();
        assertEquals(0, new ExpositionWriter().write(out, new WriteOptions("header", true), List.of()));
        assertEquals(0, out.size());
    }

    @Test
    void escapesLabelValuesAsTheTextFormatSays() throws IOException {
        assertEquals("g{k=\"a\\\"b\\\\c\\nd\"} 1 1672628645678\n",
                gaugeLine(Map.of("k", "a\"b\\c\nd"), NumberValue.ofInt(1)));
    }

    @Test
    void escapesBackslashAndNewlineInHelpButNotQuotes() throws IOException {
        var metric = new Metric("h", MetricType.COUNTER, "x\\y\nz\"q");
        String out = write(WriteOptions.DEFAULT, one(Data.ofNumber(metric, Map.of(), NumberValue.ofInt(2)), PLAIN));
        assertEquals(SUMMARY + "\n# HELP h x\\\\y\\nz\"q\n# TYPE h counter\nh 2 1672628645678\n" + END, out);
    }

    @Test
    void leavesOutHelpWhenEmpty() throws IOException {
        var metric = new Metric("u", MetricType.UNTYPED, "");
        String out = write(WriteOptions.DEFAULT, one(Data.ofNumber(metric, Map.of(), NumberValue.ofInt(2)), PLAIN));
        assertEquals(SUMMARY + "\n# TYPE u untyped\nu 2 1672628645678\n" + END, out);
    }

    @Test
    void encodesNonAsciiAsUtf8() throws IOException {
        assertEquals("g{k=\"\u00e9\u20ac\uD83D\uDE00\"} 1 1672628645678\n",
                gaugeLine(Map.of("k", "\u00e9\u20ac\uD83D\uDE00"), NumberValue.ofInt(1)));
        assertEquals("g{k=\"a\uFFFDb\"} 1 1672628645678\n", gaugeLine(Map.of("k", "a\uD800b"), NumberValue.ofInt(1)));
    }

    @Test
    void printsEveryInt64Correctly() throws IOException {
        for (long v : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 1_000_000_000_000_000_000L,
                9_000_000_000_000_000_000L, -1_000_000_000_000_000_000L, 999_999_999_999_999_999L, -1, 10}) {
            assertEquals("g " + v + " 1672628645678\n", gaugeLine(Map.of(), NumberValue.ofInt(v)));
        }
    }

    @Test
    void printsNonIntegralFloatsAsTheExactRoundingGives() throws IOException {
        var random = new java.util.Random(7);
        for (int i = 0; i < 5000; i++) {
            double v = switch (i % 4) {
                case 0 -> random.nextDouble() * Math.pow(10, random.nextInt(18) - 8) * (random.nextBoolean() ? 1 : -1);
                case 1 -> (random.nextLong(1L << 40) + 0.5) / 1e6; // next to a tie of the sixth decimal
                case 2 -> 1.7e9 + random.nextDouble() * 1e6; // epoch seconds, as sandbox_creation_time_seconds
                default -> -(random.nextInt(1000) + 0.5) / 1e6 - 1e-9;
            };
            String exact = new java.math.BigDecimal(v).setScale(6, java.math.RoundingMode.HALF_EVEN).toPlainString();
            exact = v < 0 && exact.charAt(0) != '-' ? "-" + exact : exact;
            assertEquals("g " + exact + " 1672628645678\n", gaugeLine(Map.of(), NumberValue.ofFloat(v)), "value " + v);
        }
    }

    @Test
    void printsFloatsWithPercentF() throws IOException {
        assertEquals("g 2.500000 1672628645678\n", gaugeLine(Map.of(), NumberValue.ofFloat(2.5)));
        assertEquals("g -3.000000 1672628645678\n", gaugeLine(Map.of(), NumberValue.ofFloat(-3)));
        assertEquals("g 0 1672628645678\n", gaugeLine(Map.of(), NumberValue.ofFloat(-0.0)));
        assertEquals("g -0.000000 1672628645678\n", gaugeLine(Map.of(), NumberValue.ofFloat(-1e-7)));
        assertEquals("g NaN 1672628645678\n", gaugeLine(Map.of(), NumberValue.ofFloat(Double.NaN)));
        assertEquals("g -Inf 1672628645678\n", gaugeLine(Map.of(), NumberValue.ofFloat(Double.NEGATIVE_INFINITY)));
        assertEquals("g " + GoText.formatFloat(1.5e300) + " 1672628645678\n",
                gaugeLine(Map.of(), NumberValue.ofFloat(1.5e300)));
    }

    @Test
    void leavesOutTimestampsWhenAsked() throws IOException {
        var hist = new Metric("d", MetricType.HISTOGRAM, "");
        var h = new Histogram(NumberValue.ofInt(3), NumberValue.ofInt(1), NumberValue.ofInt(2), NumberValue.ofFloat(0.5),
                List.of(new Bucket(NumberValue.ofInt(1), 1), new Bucket(NumberValue.ofFloat(Double.POSITIVE_INFINITY), 1)));
        var s = new Snapshot(T, List.of(Data.ofNumber(GAUGE, Map.of(), NumberValue.ofInt(1)), Data.ofHistogram(hist, Map.of(), h)));
        String out = write(new WriteOptions("", false), new LabeledSnapshot(s, PLAIN));
        assertEquals("# Writing data from snapshot containing 2 data points taken at 2023-01-02 03:04:05.678 +0000 UTC.\n\n"
                + "\n\n# TYPE d histogram\nd_bucket{le=\"1\"} 1\nd_bucket{le=\"+Inf\"} 2\nd_sum 3\nd_count 2\nd_min 1\nd_max 2\n"
                + "d_ssd 0.500000\n\n"
                + "\n# HELP g A gauge\n# TYPE g gauge\ng 1\n" + END, out);
    }

    @Test
    void writesHistogramsWithFloatBoundsLabelsAndUnsignedCounts() throws IOException {
        var hist = new Metric("d", MetricType.HISTOGRAM, "H");
        var h = new Histogram(NumberValue.ofFloat(1.25), NumberValue.ofFloat(0.25), NumberValue.ofInt(1), NumberValue.ZERO,
                List.of(new Bucket(NumberValue.ofFloat(0.5), -1L), new Bucket(NumberValue.ofFloat(Double.POSITIVE_INFINITY), 1)));
        String out = write(WriteOptions.DEFAULT, one(Data.ofHistogram(hist, Map.of("b", "2", "a", "1"), h),
                new PrefixAndLabels("p_", Map.of("s", "x"))));
        String labels = "a=\"1\",b=\"2\",s=\"x\"";
        assertEquals("# Writing data from snapshot containing 1 data points taken at 2023-01-02 03:04:05.678 +0000 UTC.\n\n"
                + "\n\n# HELP p_d H\n# TYPE p_d histogram\n"
                + "p_d_bucket{" + labels + ",le=\"0.500000\"} 18446744073709551615 1672628645678\n"
                + "p_d_bucket{" + labels + ",le=\"+Inf\"} 0 1672628645678\n"
                + "p_d_sum{" + labels + "} 1.250000 1672628645678\n"
                + "p_d_count{" + labels + "} 0 1672628645678\n"
                + "p_d_min{" + labels + "} 0.250000 1672628645678\n"
                + "p_d_max{" + labels + "} 1 1672628645678\n"
                + "p_d_ssd{" + labels + "} 0 1672628645678\n\n" + END, out);
    }

    @Test
    void writesThePreambleBeforeTheSumOfAHistogramWithoutBuckets() throws IOException {
        var hist = new Metric("d", MetricType.HISTOGRAM, "H");
        var h = new Histogram(NumberValue.ZERO, NumberValue.ZERO, NumberValue.ZERO, NumberValue.ZERO, List.of());
        String out = write(WriteOptions.DEFAULT, one(Data.ofHistogram(hist, Map.of(), h), PLAIN));
        assertEquals(SUMMARY + "\n\n# HELP d H\n# TYPE d histogram\nd_sum 0 1672628645678\nd_count 0 1672628645678\n"
                + "d_min 0 1672628645678\nd_max 0 1672628645678\nd_ssd 0 1672628645678\n\n" + END, out);
    }

    @Test
    void mergesLabelSourcesInBytewiseKeyOrder() throws IOException {
        var labels = new LinkedHashMap<String, String>();
        labels.put("\uD83D\uDE00", "1");
        labels.put("b", "2");
        var data = new Data(GAUGE, labels, Map.of("\uE000", "3"), NumberValue.ofInt(1), null);
        String out = write(WriteOptions.DEFAULT, one(data, new PrefixAndLabels("", Map.of("a", "4", "c", "5"))));
        assertTrue(out.contains("\ng{a=\"4\",b=\"2\",c=\"5\",\uE000=\"3\",\uD83D\uDE00=\"1\"} 1 1672628645678\n"), out);
    }

    @Test
    void skipsDataOfUnknownTypeWithoutAByte() throws IOException {
        var unknown = new Metric("g", 7, "weird");
        var s = new Snapshot(T, List.of(new Data(unknown, Map.of(), Map.of(), NumberValue.ofInt(1), null),
                Data.ofNumber(GAUGE, Map.of(), NumberValue.ofInt(2))));
        String out = write(WriteOptions.DEFAULT, new LabeledSnapshot(s, PLAIN));
        assertEquals("# Writing data from snapshot containing 2 data points taken at 2023-01-02 03:04:05.678 +0000 UTC.\n\n"
                + "\n# HELP g A gauge\n# TYPE g gauge\ng 2 1672628645678\n" + END, out);
    }

    @Test
    void writesOnePreamblePerUnprefixedNameAcrossPrefixes() throws IOException {
        var a = new LabeledSnapshot(new Snapshot(T, List.of(Data.ofNumber(GAUGE, Map.of(), NumberValue.ofInt(1)))),
                new PrefixAndLabels("a_", Map.of()));
        var b = new LabeledSnapshot(new Snapshot(T, List.of(Data.ofNumber(GAUGE, Map.of(), NumberValue.ofInt(2)))),
                new PrefixAndLabels("b_", Map.of("x", "y")));
        assertEquals("# Writing data from 2 snapshots:\n"
                + "#   - Snapshot with 1 data points taken at 2023-01-02 03:04:05.678 +0000 UTC: map[]\n"
                + "#   - Snapshot with 1 data points taken at 2023-01-02 03:04:05.678 +0000 UTC: map[x:y]\n\n"
                + "\n# HELP a_g A gauge\n# TYPE a_g gauge\na_g 1 1672628645678\nb_g{x=\"y\"} 2 1672628645678\n" + END,
                write(WriteOptions.DEFAULT, a, b));
    }

    @Test
    void groupsByThePrefixedNameAcrossSnapshotsInInputOrder() throws IOException {
        var m1 = new Metric("b", MetricType.GAUGE, "");
        var m2 = new Metric("_b", MetricType.GAUGE, "");
        var first = new LabeledSnapshot(new Snapshot(T, List.of(Data.ofNumber(m2, Map.of(), NumberValue.ofInt(1)),
                Data.ofNumber(GAUGE, Map.of(), NumberValue.ofInt(9)))), new PrefixAndLabels("a", Map.of()));
        var second = new LabeledSnapshot(new Snapshot(T.plusMillis(1), List.of(Data.ofNumber(m1, Map.of(), NumberValue.ofInt(2)))),
                new PrefixAndLabels("a_", Map.of()));
        String out = write(new WriteOptions("", false), second, first);
        assertTrue(out.endsWith("\n\n# TYPE a_b gauge\na_b 2\n\n# TYPE a_b gauge\na_b 1\n\n# HELP ag A gauge\n# TYPE ag gauge\nag 9\n" + END), out);
    }

    @Test
    void sortsGroupNamesBytewise() throws IOException {
        var hi = new Metric("\uD83D\uDE00", MetricType.GAUGE, "");
        var pu = new Metric("\uE000", MetricType.GAUGE, "");
        var z = new Metric("z", MetricType.GAUGE, "");
        var s = new Snapshot(T, List.of(Data.ofNumber(hi, Map.of(), NumberValue.ofInt(1)),
                Data.ofNumber(pu, Map.of(), NumberValue.ofInt(2)), Data.ofNumber(z, Map.of(), NumberValue.ofInt(3))));
        String out = write(new WriteOptions("", false), new LabeledSnapshot(s, PLAIN));
        assertTrue(out.endsWith("\n# TYPE z gauge\nz 3\n\n# TYPE \uE000 gauge\n\uE000 2\n\n# TYPE \uD83D\uDE00 gauge\n\uD83D\uDE00 1\n" + END), out);
    }

    @Test
    void keepsTheSummaryCommentOnOneLineWhenALabelHoldsANewline() throws IOException {
        var s = new LabeledSnapshot(new Snapshot(T, List.of()), new PrefixAndLabels("", Map.of("pod_name", "a\nb\\c\"d")));
        String out = write(WriteOptions.DEFAULT, s, s);
        assertTrue(out.contains("#   - Snapshot with 0 data points taken at 2023-01-02 03:04:05.678 +0000 UTC: map[pod_name:a\\nb\\c\"d]\n#"), out);
    }

    @Test
    void writesTheCommentHeaderLineByLine() throws IOException {
        String out = write(new WriteOptions("one\n\ntwo\n", true), one(Data.ofNumber(GAUGE, Map.of(), NumberValue.ofInt(1)), PLAIN));
        assertTrue(out.startsWith("# one\n# \n# two\n# \n# Writing data from snapshot"), out);
    }

    @Test
    void printsTheSnapshotZoneAndMonotonicReadingInTheSummary() throws IOException {
        var s = new Snapshot(T, List.of(), ZoneOffset.ofHours(2), OptionalLong.of(3_000_000_007L));
        String out = write(WriteOptions.DEFAULT, new LabeledSnapshot(s, PLAIN));
        assertEquals("# Writing data from snapshot containing 0 data points taken at 2023-01-02 05:04:05.678 +0200 +0200 m=+3.000000007.\n\n"
                + END, out);
    }

    @Test
    void takesTimestampsFromEachSnapshotAsGoUnixMilli() throws IOException {
        var late = new Snapshot(Instant.parse("2023-01-02T03:04:05.999999999Z"), List.of(Data.ofNumber(GAUGE, Map.of(), NumberValue.ofInt(1))));
        var early = new Snapshot(Instant.ofEpochSecond(-1, 999_500_000), List.of(Data.ofNumber(GAUGE, Map.of(), NumberValue.ofInt(2))));
        String out = write(WriteOptions.DEFAULT, new LabeledSnapshot(late, PLAIN), new LabeledSnapshot(early, PLAIN));
        assertTrue(out.contains("\ng 1 1672628645999\ng 2 -1\n"), out);
    }

    @Test
    void checkAcceptsValidData() throws IOException {
        var data = new Data(GAUGE, Map.of("a", "1"), Map.of("b", "2"), NumberValue.ofInt(1), null);
        ExpositionWriter.check(new Snapshot(T, List.of(data)), new PrefixAndLabels("", Map.of("c", "3")));
        var unknownWithLe = new Data(new Metric("x", 9, ""), Map.of("le", "1"), Map.of(), NumberValue.ofInt(1), null);
        ExpositionWriter.check(new Snapshot(T, List.of(unknownWithLe)), PLAIN);
    }

    static String checkFails(Data data, PrefixAndLabels options) {
        return assertThrows(InvalidSnapshotException.class,
                () -> ExpositionWriter.check(new Snapshot(T, List.of(data)), options)).getMessage();
    }

    @Test
    void checkRejectsEmptyLabelKeys() {
        assertEquals("data point 0 (metric \"g\"): empty label key in the data labels",
                checkFails(Data.ofNumber(GAUGE, Map.of("", "x"), NumberValue.ofInt(1)), PLAIN));
        assertEquals("data point 0 (metric \"g\"): empty label key in the external labels",
                checkFails(new Data(GAUGE, Map.of(), Map.of("", "x"), NumberValue.ofInt(1), null), PLAIN));
        assertEquals("empty label key in the extra labels",
                checkFails(Data.ofNumber(GAUGE, Map.of(), NumberValue.ofInt(1)), new PrefixAndLabels("", Map.of("", "x"))));
    }

    @Test
    void checkRejectsLeOutsideBucketLines() {
        assertEquals("data point 0 (metric \"g\"): label \"le\" in the data labels (it is reserved for histogram buckets)",
                checkFails(Data.ofNumber(GAUGE, Map.of("le", "x"), NumberValue.ofInt(1)), PLAIN));
        assertEquals("label \"le\" in the extra labels (it is reserved for histogram buckets)",
                checkFails(Data.ofNumber(GAUGE, Map.of(), NumberValue.ofInt(1)), new PrefixAndLabels("", Map.of("le", ""))));
    }

    @Test
    void checkRejectsAKeyFromTwoSources() {
        assertEquals("data point 0 (metric \"g\"): label \"sandbox\" is given twice, by the data labels and the extra labels",
                checkFails(Data.ofNumber(GAUGE, Map.of("sandbox", "x"), NumberValue.ofInt(1)),
                        new PrefixAndLabels("", Map.of("sandbox", "sb1"))));
        assertEquals("data point 0 (metric \"g\"): label \"k\" is given twice, by the data labels and the external labels",
                checkFails(new Data(GAUGE, Map.of("k", "1"), Map.of("k", "2"), NumberValue.ofInt(1), null), PLAIN));
        assertEquals("data point 0 (metric \"g\"): label \"k\" is given twice, by the external labels and the extra labels",
                checkFails(new Data(GAUGE, Map.of(), Map.of("k", "2"), NumberValue.ofInt(1), null),
                        new PrefixAndLabels("", Map.of("k", "3"))));
    }

    @Test
    void checkRejectsValuesThatDoNotFitTheType() {
        var h = new Histogram(NumberValue.ZERO, NumberValue.ZERO, NumberValue.ZERO, NumberValue.ZERO, List.of());
        assertEquals("data point 0 (metric \"g\"): a gauge metric needs a number value",
                checkFails(Data.ofHistogram(GAUGE, Map.of(), h), PLAIN));
        assertEquals("data point 0 (metric \"d\"): a histogram metric needs a histogram value",
                checkFails(Data.ofNumber(new Metric("d", MetricType.HISTOGRAM, ""), Map.of(), NumberValue.ofInt(1)), PLAIN));
    }

    @Test
    void writeRejectsAnInvalidSnapshotBeforeWritingAnything() {
        var good = one(Data.ofNumber(GAUGE, Map.of(), NumberValue.ofInt(1)), PLAIN);
        var bad = one(Data.ofNumber(GAUGE, Map.of("", "x"), NumberValue.ofInt(1)), PLAIN);
        var out = new ByteArrayOutputStream();
        var e = assertThrows(InvalidSnapshotException.class,
                () -> new ExpositionWriter().write(out, new WriteOptions("header", true), List.of(good, bad)));
        assertEquals("snapshot 1: data point 0 (metric \"g\"): empty label key in the data labels", e.getMessage());
        assertEquals(0, out.size());
    }

    @Test
    void writesOutputLargerThanTheBufferExactly() throws IOException {
        var data = new ArrayList<Data>();
        var expected = new StringBuilder();
        String value = "\u00e9\uD83D\uDE00\"".repeat(50);
        String escaped = value.replace("\"", "\\\"");
        String help = "h\u20ac".repeat(20_000);
        var metric = new Metric("m", MetricType.GAUGE, help);
        expected.append("# Writing data from snapshot containing 3000 data points taken at 2023-01-02 03:04:05.678 +0000 UTC.\n\n");
        expected.append("\n# HELP m ").append(help).append("\n# TYPE m gauge\n");
        for (int i = 0; i < 3000; i++) {
            data.add(Data.ofNumber(metric, Map.of("i", Integer.toString(i), "v", value), NumberValue.ofInt(i * 1_000_000_007L)));
            expected.append("m{i=\"").append(i).append("\",v=\"").append(escaped).append("\"} ")
                    .append(i * 1_000_000_007L).append(" 1672628645678\n");
        }
        expected.append(END);
        var out = new ByteArrayOutputStream();
        var writer = new ExpositionWriter();
        long n = writer.write(out, WriteOptions.DEFAULT, List.of(new LabeledSnapshot(new Snapshot(T, data), PLAIN)));
        byte[] want = expected.toString().getBytes(StandardCharsets.UTF_8);
        assertTrue(want.length > 10 * ExpositionWriter.BUFFER_SIZE);
        assertEquals(expected.toString(), out.toString(StandardCharsets.UTF_8));
        assertEquals(want.length, n);
        // The instance is reusable and gives the same bytes again.
        var again = new ByteArrayOutputStream();
        assertEquals(n, writer.write(again, WriteOptions.DEFAULT, List.of(new LabeledSnapshot(new Snapshot(T, data), PLAIN))));
        assertEquals(out.toString(StandardCharsets.UTF_8), again.toString(StandardCharsets.UTF_8));
    }

    @Test
    void ordersMoreGroupsAndSnapshotsThanTheInitialArraysHold() throws IOException {
        // 100 snapshots, each with one labelled point of its own metric, given in reverse name order.
        var snapshots = new ArrayList<LabeledSnapshot>();
        var summary = new StringBuilder("# Writing data from 100 snapshots:\n");
        for (int i = 99; i >= 0; i--) {
            var metric = new Metric(String.format("m%03d", i), MetricType.GAUGE, "");
            var data = Data.ofNumber(metric, Map.of("a", "x" + i), NumberValue.ofInt(i));
            snapshots.add(new LabeledSnapshot(new Snapshot(T, List.of(data)), new PrefixAndLabels("p_", Map.of("sandbox", "sb" + i))));
            summary.append("#   - Snapshot with 1 data points taken at 2023-01-02 03:04:05.678 +0000 UTC: map[sandbox:sb")
                    .append(i).append("]\n");
        }
        var lines = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            String name = String.format("p_m%03d", i);
            lines.append("\n# TYPE ").append(name).append(" gauge\n").append(name)
                    .append("{a=\"x").append(i).append("\",sandbox=\"sb").append(i).append("\"} ").append(i).append(" 1672628645678\n");
        }
        var writer = new ExpositionWriter();
        for (int round = 0; round < 2; round++) {
            var out = new ByteArrayOutputStream();
            writer.write(out, WriteOptions.DEFAULT, snapshots);
            assertEquals(summary + "\n" + lines + END, out.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void writesCorrectlyWithMorePrefixesThanTheCacheHolds() throws IOException {
        var writer = new ExpositionWriter();
        for (int i = 0; i < GroupOrder.PREFIX_CACHE_LIMIT * 2 + 3; i++) {
            var out = new ByteArrayOutputStream();
            writer.write(out, new WriteOptions("", false), List.of(one(Data.ofNumber(GAUGE, Map.of(), NumberValue.ofInt(i)),
                    new PrefixAndLabels("p" + i + "_", Map.of()))));
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("\np" + i + "_g " + i + "\n"));
        }
    }

    @Test
    void flushesButDoesNotCloseTheCallersStream() throws IOException {
        var stream = new OutputStream() {
            boolean flushed;
            boolean closed;

            @Override
            public void write(int b) {}

            @Override
            public void flush() {
                flushed = true;
            }

            @Override
            public void close() {
                closed = true;
            }
        };
        new ExpositionWriter().write(stream, WriteOptions.DEFAULT, List.of(one(Data.ofNumber(GAUGE, Map.of(), NumberValue.ofInt(1)), PLAIN)));
        assertTrue(stream.flushed);
        assertFalse(stream.closed);
    }

    @Test
    void writesEveryPreambleAgainAfterAWriteTheStreamFailed() throws IOException {
        var broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("broken pipe");
            }
        };
        var writer = new ExpositionWriter();
        var snapshots = List.of(one(Data.ofNumber(GAUGE, Map.of(), NumberValue.ofInt(1)), PLAIN));
        assertThrows(IOException.class, () -> writer.write(broken, WriteOptions.DEFAULT, snapshots));
        var out = new ByteArrayOutputStream();
        writer.write(out, WriteOptions.DEFAULT, snapshots);
        assertEquals(SUMMARY + "\n# HELP g A gauge\n# TYPE g gauge\ng 1 1672628645678\n" + END, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void throwsTheErrorOfTheStream() {
        var broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("broken pipe");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("broken pipe");
            }
        };
        var e = assertThrows(IOException.class, () -> new ExpositionWriter().write(broken, WriteOptions.DEFAULT,
                List.of(one(Data.ofNumber(GAUGE, Map.of(), NumberValue.ofInt(1)), PLAIN))));
        assertEquals("broken pipe", e.getMessage());
    }
}
