// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenMetricsWriterTest {
    static final Instant T = Instant.parse("2023-01-02T03:04:05.678Z");
    static final PrefixAndLabels PLAIN = new PrefixAndLabels("", Map.of());

    static String write(OpenMetricsOptions options, String trailer, LabeledSnapshot... snapshots) throws IOException {
        var out = new ByteArrayOutputStream();
        long n = new OpenMetricsWriter().write(out, options, List.of(snapshots), trailer);
        assertEquals(out.size(), n);
        return out.toString(StandardCharsets.UTF_8);
    }

    static LabeledSnapshot one(Instant when, PrefixAndLabels options, Data... data) {
        return new LabeledSnapshot(new Snapshot(when, List.of(data)), options);
    }

    /** Every rule in one body: the golden bytes of two sandboxes and the server's own snapshot. */
    @Test
    void writesTheGoldenBody() throws IOException {
        var opens = new Metric("fs_opens", MetricType.COUNTER, "Files \"opened\" \\ here.\nSecond line.");
        var total = new Metric("num_sandboxes_total", MetricType.COUNTER, "Counter of sandboxes.");
        var running = new Metric("sandbox_running", MetricType.GAUGE, "Running.");
        var created = new Metric("sandbox_creation_time_seconds", MetricType.GAUGE, "Created.");
        var untyped = new Metric("odd", MetricType.UNTYPED, "");
        var latency = new Metric("latency", MetricType.HISTOGRAM, "Latency.");
        var h1 = new Histogram(NumberValue.ofInt(1500), NumberValue.ofInt(5), NumberValue.ofInt(1000),
                NumberValue.ofFloat(0.5), List.of(new Bucket(NumberValue.ofInt(0), 0), new Bucket(NumberValue.ofInt(1000), 2),
                new Bucket(NumberValue.ofInt(1_000_000), 1), new Bucket(NumberValue.ofFloat(Double.POSITIVE_INFINITY), 0)));
        var h2 = new Histogram(NumberValue.ofInt(0), NumberValue.ofInt(0), NumberValue.ofInt(0), NumberValue.ofInt(0),
                List.of(new Bucket(NumberValue.ofInt(0), 0), new Bucket(NumberValue.ofInt(1000), 0),
                new Bucket(NumberValue.ofInt(1_000_000), 0), new Bucket(NumberValue.ofFloat(Double.POSITIVE_INFINITY), 0)));
        var sb1 = new PrefixAndLabels("runsc_", Map.of("sandbox", "a\"b\\c\nd"));
        var sb2 = new PrefixAndLabels("runsc_", Map.of("sandbox", "b"));
        var meta = new PrefixAndLabels("runsc_meta_", Map.of());
        String body = write(new OpenMetricsOptions(true, Map.of("runsc_meta_sandbox_creation_time_seconds", "seconds")), "",
                one(T, meta, Data.ofNumber(total, Map.of(), NumberValue.ofInt(2)),
                        Data.ofNumber(running, Map.of("sandbox", "b"), NumberValue.ofInt(1)),
                        Data.ofNumber(created, Map.of(), NumberValue.ofFloat(1672628000.25))),
                one(T, sb1, Data.ofNumber(opens, Map.of(), NumberValue.ofInt(10)), Data.ofHistogram(latency, Map.of(), h1),
                        Data.ofNumber(untyped, Map.of("k", "v"), NumberValue.ofInt(-3))),
                one(Instant.parse("2023-01-02T03:04:06.007Z"), sb2, Data.ofNumber(opens, Map.of(), NumberValue.ofInt(11)),
                        Data.ofHistogram(latency, Map.of(), h2)));
        assertEquals("""
                # HELP runsc_fs_opens Files \\"opened\\" \\\\ here.\\nSecond line.
                # TYPE runsc_fs_opens counter
                runsc_fs_opens_total{sandbox="a\\"b\\\\c\\nd"} 10 1672628645.678
                runsc_fs_opens_total{sandbox="b"} 11 1672628646.007
                # HELP runsc_latency Latency.
                # TYPE runsc_latency histogram
                runsc_latency_bucket{sandbox="a\\"b\\\\c\\nd",le="0.0"} 0 1672628645.678
                runsc_latency_bucket{sandbox="a\\"b\\\\c\\nd",le="1000.0"} 2 1672628645.678
                runsc_latency_bucket{sandbox="a\\"b\\\\c\\nd",le="1e+06"} 3 1672628645.678
                runsc_latency_bucket{sandbox="a\\"b\\\\c\\nd",le="+Inf"} 3 1672628645.678
                runsc_latency_count{sandbox="a\\"b\\\\c\\nd"} 3 1672628645.678
                runsc_latency_sum{sandbox="a\\"b\\\\c\\nd"} 1500 1672628645.678
                runsc_latency_bucket{sandbox="b",le="0.0"} 0 1672628646.007
                runsc_latency_bucket{sandbox="b",le="1000.0"} 0 1672628646.007
                runsc_latency_bucket{sandbox="b",le="1e+06"} 0 1672628646.007
                runsc_latency_bucket{sandbox="b",le="+Inf"} 0 1672628646.007
                runsc_latency_count{sandbox="b"} 0 1672628646.007
                runsc_latency_sum{sandbox="b"} 0 1672628646.007
                # TYPE runsc_latency_min gauge
                runsc_latency_min{sandbox="a\\"b\\\\c\\nd"} 5 1672628645.678
                runsc_latency_min{sandbox="b"} 0 1672628646.007
                # TYPE runsc_latency_max gauge
                runsc_latency_max{sandbox="a\\"b\\\\c\\nd"} 1000 1672628645.678
                runsc_latency_max{sandbox="b"} 0 1672628646.007
                # TYPE runsc_latency_ssd gauge
                runsc_latency_ssd{sandbox="a\\"b\\\\c\\nd"} 0.500000 1672628645.678
                runsc_latency_ssd{sandbox="b"} 0 1672628646.007
                # HELP runsc_meta_num_sandboxes Counter of sandboxes.
                # TYPE runsc_meta_num_sandboxes counter
                runsc_meta_num_sandboxes_total 2 1672628645.678
                # HELP runsc_meta_sandbox_creation_time_seconds Created.
                # TYPE runsc_meta_sandbox_creation_time_seconds gauge
                # UNIT runsc_meta_sandbox_creation_time_seconds seconds
                runsc_meta_sandbox_creation_time_seconds 1672628000.250000 1672628645.678
                # HELP runsc_meta_sandbox_running Running.
                # TYPE runsc_meta_sandbox_running gauge
                runsc_meta_sandbox_running{sandbox="b"} 1 1672628645.678
                # TYPE runsc_odd unknown
                runsc_odd{k="v",sandbox="a\\"b\\\\c\\nd"} -3 1672628645.678
                # EOF
                """, body);
    }

    @Test
    void writesNothingForNoSnapshots() throws IOException {
        var out = new ByteArrayOutputStream();
        assertEquals(0, new OpenMetricsWriter().write(out, OpenMetricsOptions.DEFAULT, List.of(), "x"));
        assertEquals(0, out.size());
    }

    @Test
    void leavesOutTimestampsWhenAskedAndWritesTheTrailerBeforeEof() throws IOException {
        var g = new Metric("g", MetricType.GAUGE, "G.");
        assertEquals("# HELP g G.\n# TYPE g gauge\ng 1\n# TYPE t gauge\nt 2\n# EOF\n",
                write(new OpenMetricsOptions(false, Map.of()), "# TYPE t gauge\nt 2\n",
                        one(T, PLAIN, Data.ofNumber(g, Map.of(), NumberValue.ofInt(1)))));
    }

    @Test
    void writesTimestampsInSecondsWithThreeDecimals() throws IOException {
        var g = new Metric("g", MetricType.GAUGE, "");
        assertEquals("# TYPE g gauge\ng 1 0.000\n# EOF\n",
                write(OpenMetricsOptions.DEFAULT, "", one(Instant.EPOCH, PLAIN, Data.ofNumber(g, Map.of(), NumberValue.ofInt(1)))));
        assertEquals("# TYPE g gauge\ng 1 -1.500\n# EOF\n", write(OpenMetricsOptions.DEFAULT, "",
                one(Instant.ofEpochMilli(-1500), PLAIN, Data.ofNumber(g, Map.of(), NumberValue.ofInt(1)))));
    }

    @Test
    void writesAUnitOnlyWhereTheFamilyNameEndsWithIt() throws IOException {
        var c = new Metric("cpu_seconds_total", MetricType.COUNTER, "");
        var g = new Metric("latency_ms", MetricType.GAUGE, "");
        String body = write(new OpenMetricsOptions(false, Map.of("cpu_seconds_total", "seconds", "latency_ms", "seconds")), "",
                one(T, PLAIN, Data.ofNumber(c, Map.of(), NumberValue.ofInt(1)), Data.ofNumber(g, Map.of(), NumberValue.ofInt(2))));
        assertEquals("# TYPE cpu_seconds counter\n# UNIT cpu_seconds seconds\ncpu_seconds_total 1\n"
                + "# TYPE latency_ms gauge\nlatency_ms 2\n# EOF\n", body);
    }

    @Test
    void leavesOutAPointOfAnotherKindThanItsFamily() throws IOException {
        var asGauge = new Metric("m", MetricType.GAUGE, "");
        var asHistogram = new Metric("m", MetricType.HISTOGRAM, "");
        var h = new Histogram(NumberValue.ofInt(0), NumberValue.ofInt(0), NumberValue.ofInt(0), NumberValue.ofInt(0),
                List.of(new Bucket(NumberValue.ofFloat(Double.POSITIVE_INFINITY), 0)));
        assertEquals("# TYPE m gauge\nm{s=\"1\"} 1\n# EOF\n", write(new OpenMetricsOptions(false, Map.of()), "",
                one(T, new PrefixAndLabels("", Map.of("s", "1")), Data.ofNumber(asGauge, Map.of(), NumberValue.ofInt(1))),
                one(T, new PrefixAndLabels("", Map.of("s", "2")), Data.ofHistogram(asHistogram, Map.of(), h))));
    }

    @Test
    void checksEverySnapshotBeforeWritingAByte() {
        var g = new Metric("g", MetricType.GAUGE, "");
        var out = new ByteArrayOutputStream();
        assertThrows(InvalidSnapshotException.class, () -> new OpenMetricsWriter().write(out, OpenMetricsOptions.DEFAULT,
                List.of(one(T, PLAIN, Data.ofNumber(g, Map.of("le", "1"), NumberValue.ofInt(1)))), ""));
        assertEquals(0, out.size());
    }

    @Test
    void formatsBoundsAsGoFormatsCanonicalFloats() {
        assertEquals("0.0", OpenMetricsWriter.canonicalFloat(0));
        assertEquals("-0.0", OpenMetricsWriter.canonicalFloat(-0.0));
        assertEquals("1.0", OpenMetricsWriter.canonicalFloat(1));
        assertEquals("100000.0", OpenMetricsWriter.canonicalFloat(100_000));
        assertEquals("1e+06", OpenMetricsWriter.canonicalFloat(1_000_000));
        assertEquals("1.234567e+06", OpenMetricsWriter.canonicalFloat(1_234_567));
        assertEquals("2.5e+10", OpenMetricsWriter.canonicalFloat(2.5e10));
        assertEquals("1e+100", OpenMetricsWriter.canonicalFloat(1e100));
        assertEquals("0.5", OpenMetricsWriter.canonicalFloat(0.5));
        assertEquals("0.0001", OpenMetricsWriter.canonicalFloat(0.0001));
        assertEquals("1e-05", OpenMetricsWriter.canonicalFloat(0.00001));
        assertEquals("-2.5", OpenMetricsWriter.canonicalFloat(-2.5));
        assertEquals("0.1", OpenMetricsWriter.canonicalFloat(0.1));
        assertEquals("123.456", OpenMetricsWriter.canonicalFloat(123.456));
        assertEquals("+Inf", OpenMetricsWriter.canonicalFloat(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", OpenMetricsWriter.canonicalFloat(Double.NEGATIVE_INFINITY));
        assertEquals("NaN", OpenMetricsWriter.canonicalFloat(Double.NaN));
    }

    @Test
    void writesFloatBoundsThroughItsCacheAlike() throws IOException {
        var m = new Metric("h", MetricType.HISTOGRAM, "");
        var h = new Histogram(NumberValue.ofInt(0), NumberValue.ofInt(0), NumberValue.ofInt(0), NumberValue.ofInt(0),
                List.of(new Bucket(NumberValue.ofFloat(0.25), 0), new Bucket(NumberValue.ofFloat(2e6), 0),
                        new Bucket(NumberValue.ofFloat(Double.POSITIVE_INFINITY), 0)));
        String body = write(new OpenMetricsOptions(false, Map.of()), "",
                one(T, new PrefixAndLabels("", Map.of("s", "1")), Data.ofHistogram(m, Map.of(), h)),
                one(T, new PrefixAndLabels("", Map.of("s", "2")), Data.ofHistogram(m, Map.of(), h)));
        assertEquals(2, body.split("le=\"0.25\"", -1).length - 1, body);
        assertEquals(2, body.split("le=\"2e\\+06\"", -1).length - 1, body);
    }
}
