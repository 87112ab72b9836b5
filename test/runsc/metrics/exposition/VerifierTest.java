// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import runsc.metrics.gotext.GoQuote;

class VerifierTest {
    static final Instant T = Instant.parse("2023-01-02T03:04:05.678Z");
    static final Clock CLOCK = Clock.fixed(T, ZoneOffset.UTC);

    static RegisteredMetric counter(String name) {
        return new RegisteredMetric("/" + name, name, "C", true, ValueType.UINT64, List.of(), List.of());
    }

    static RegisteredMetric gauge(String name, MetricField... fields) {
        return new RegisteredMetric("/" + name, name, "G", false, ValueType.UINT64, List.of(fields), List.of());
    }

    static RegisteredMetric distribution(String name, Long... lowerBounds) {
        return new RegisteredMetric("/" + name, name, "D", false, ValueType.DISTRIBUTION, List.of(), List.of(lowerBounds));
    }

    static Verifier verifier(RegisteredMetric... metrics) throws VerificationException {
        return Verifier.create(new MetricRegistration(List.of(metrics), List.of()), CLOCK);
    }

    static String creationFails(RegisteredMetric... metrics) {
        return assertThrows(VerificationException.class, () -> verifier(metrics)).getMessage();
    }

    static Data counterPoint(String name, NumberValue value) {
        return Data.ofNumber(new Metric(name, MetricType.COUNTER, "C"), Map.of(), value);
    }

    static Data gaugePoint(String name, Map<String, String> labels, long value) {
        return Data.ofNumber(new Metric(name, MetricType.GAUGE, "G"), labels, NumberValue.ofInt(value));
    }

    static Histogram histogram(NumberValue min, NumberValue max, NumberValue ssd, long... samples) {
        var buckets = new ArrayList<Bucket>();
        for (int i = 0; i < samples.length; i++) {
            NumberValue bound = i == samples.length - 1 ? NumberValue.ofFloat(Double.POSITIVE_INFINITY) : NumberValue.ofInt(i);
            buckets.add(new Bucket(bound, samples[i]));
        }
        return new Histogram(NumberValue.ZERO, min, max, ssd, buckets);
    }

    static Data histogramPoint(String name, Histogram h) {
        return Data.ofHistogram(new Metric(name, MetricType.HISTOGRAM, "D"), Map.of(), h);
    }

    static Snapshot at(Instant when, Data... data) {
        return new Snapshot(when, List.of(data));
    }

    static String verifyFails(Verifier v, Snapshot s) {
        return assertThrows(VerificationException.class, () -> v.verify(s)).getMessage();
    }

    // Registration rules (checked at creation, first failure wins).

    @Test
    void acceptsAValidRegistration() throws VerificationException {
        verifier(counter("a"), gauge("b_2", new MetricField("f", List.of("x", "y"))), distribution("d", 0L, 8L));
    }

    @Test
    void rejectsAMetricRegisteredTwice() {
        assertEquals("metric \"a\" registered twice", creationFails(counter("a"), gauge("a")));
    }

    @Test
    void rejectsAMetricWithoutName() {
        assertEquals("metric \"a\": metric has no name",
                creationFails(new RegisteredMetric("", "a", "", false, ValueType.UINT64, List.of(), List.of())));
        assertEquals("metric \"\": metric has no name",
                creationFails(new RegisteredMetric("/a", "", "", false, ValueType.UINT64, List.of(), List.of())));
    }

    @Test
    void rejectsProcessMetricNames() {
        for (String name : Verifier.PROCESS_METRICS) {
            assertEquals("metric \"" + name + "\": metric name \"" + name
                    + "\" is reserved by Prometheus for process-level metrics", creationFails(counter(name)));
        }
        assertEquals(9, Verifier.PROCESS_METRICS.size());
        assertDoesNotThrow(() -> verifier(counter("process_other")));
    }

    @Test
    void rejectsTheMetaPrefixOnlyOnThePrometheusName() {
        assertEquals("metric \"meta_x\": metric name \"meta_x\" starts with \"meta_\" which is a reserved prefix",
                creationFails(counter("meta_x")));
        assertDoesNotThrow(() -> verifier(new RegisteredMetric("meta_x", "x", "", false, ValueType.UINT64, List.of(), List.of())));
    }

    @Test
    void requiresALowercaseInitialTestedOnTheFirstUtf8Byte() {
        for (String name : List.of("Abc", "_a", "1a", "\u00e9a", "\u03c9")) {
            assertEquals("metric " + GoQuote.quote(name) + ": invalid initial character in prometheus metric name: "
                    + GoQuote.quote(name), creationFails(counter(name)));
        }
        // U+1D00 starts with byte 0xE1, which read as a code point is the lowercase letter U+00E1.
        assertDoesNotThrow(() -> verifier(counter("\u1d00b")));
    }

    @Test
    void allowsOnlyLowercaseLettersDigitsAndUnderscores() {
        assertEquals("metric \"a-b\": invalid character - in prometheus metric name \"a-b\"", creationFails(counter("a-b")));
        assertEquals("metric \"aB\": invalid character B in prometheus metric name \"aB\"", creationFails(counter("aB")));
        assertDoesNotThrow(() -> verifier(counter("a_\u0663\u00e9_9")));
    }

    @Test
    void rejectsBadFields() {
        assertEquals("metric \"g\": field f is defined twice", creationFails(gauge("g",
                new MetricField("f", List.of("a")), new MetricField("f", List.of("b")))));
        assertEquals("metric \"g\": field f has no allowed values", creationFails(gauge("g", new MetricField("f", List.of()))));
        assertEquals("metric \"g\": field f has duplicate allowed value \"a\"",
                creationFails(gauge("g", new MetricField("f", List.of("a", "b", "a")))));
        assertDoesNotThrow(() -> verifier(gauge("g", new MetricField("le", List.of("a")),
                new MetricField("sandbox", List.of("a")), new MetricField("", List.of("a")))));
    }

    @Test
    void limitsBucketsToTwoThrough256() {
        assertEquals("metric \"d\": unsupported number of buckets: 1", creationFails(distribution("d")));
        Long[] bounds = new Long[256];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = (long) i;
        }
        assertEquals("metric \"d\": unsupported number of buckets: 257", creationFails(distribution("d", bounds)));
        assertDoesNotThrow(() -> verifier(distribution("d", java.util.Arrays.copyOf(bounds, 255))));
        assertDoesNotThrow(() -> verifier(distribution("d", 0L)));
        assertEquals(256, Verifier.MAX_BUCKETS);
    }

    @Test
    void rejectsUnknownValueTypes() {
        assertEquals("metric \"x\": invalid type: 1337",
                creationFails(new RegisteredMetric("/x", "x", "", false, 1337, List.of(), List.of())));
    }

    @Test
    void reportsTheFirstBadMetric() {
        assertEquals("metric \"A\": invalid initial character in prometheus metric name: \"A\"",
                creationFails(counter("ok"), counter("A"), counter("meta_b")));
    }

    // Timestamp window.

    @Test
    void acceptsSnapshotsFromNowBackToExactlyTenSeconds() throws VerificationException {
        Verifier v = verifier(counter("c"));
        v.verify(at(T.minus(Verifier.MAX_STALENESS)));
        v.verify(at(T.minusSeconds(5)));
        v.verify(at(T));
        assertEquals(Duration.ofSeconds(10), Verifier.MAX_STALENESS);
    }

    @Test
    void rejectsSnapshotsFromTheFuture() throws VerificationException {
        assertEquals("snapshot is from the future", verifyFails(verifier(counter("c")), at(T.plusNanos(1))));
    }

    @Test
    void rejectsSnapshotsOlderThanTenSeconds() throws VerificationException {
        assertEquals("snapshot is too old; it is from 2023-01-02 03:03:55.677999999 +0000 UTC, expected at least"
                + " 2023-01-02 03:03:55.678 +0000 UTC (10s from now)",
                verifyFails(verifier(counter("c")), at(T.minusSeconds(10).minusNanos(1))));
    }

    @Test
    void usesTheGivenTimeInsteadOfTheClockWhenAsked() throws VerificationException {
        Verifier v = verifier(counter("c"));
        v.verify(at(T.plusSeconds(60)), T.plusSeconds(60));
        assertThrows(VerificationException.class, () -> v.verify(at(T.plusSeconds(60)), T.plusSeconds(71)));
    }

    // Per data point.

    @Test
    void rejectsUnknownMetrics() throws VerificationException {
        assertEquals("snapshot contains unknown metric \"zzz\"",
                verifyFails(verifier(counter("c")), at(T, counterPoint("zzz", NumberValue.ofInt(1)))));
    }

    @Test
    void requiresTheExactRegisteredDefinition() throws VerificationException {
        Verifier v = verifier(counter("c"));
        assertEquals("metric \"c\": invalid metric definition: got &{Name:c Type:2 Help:x} want {Name:c Type:2 Help:C}",
                verifyFails(v, at(T, Data.ofNumber(new Metric("c", MetricType.COUNTER, "x"), Map.of(), NumberValue.ofInt(1)))));
        assertEquals("metric \"c\": invalid metric definition: got &{Name:c Type:1 Help:C} want {Name:c Type:2 Help:C}",
                verifyFails(v, at(T, Data.ofNumber(new Metric("c", MetricType.GAUGE, "C"), Map.of(), NumberValue.ofInt(1)))));
        assertEquals("metric \"c\": invalid metric definition: got &{Name:c Type:99 Help:C} want {Name:c Type:2 Help:C}",
                verifyFails(v, at(T, Data.ofNumber(new Metric("c", 99, "C"), Map.of(), NumberValue.ofInt(1)))));
        v.verify(at(T, counterPoint("c", NumberValue.ofInt(1))));
    }

    @Test
    void rejectsExternalLabels() throws VerificationException {
        var data = new Data(new Metric("c", MetricType.COUNTER, "C"), Map.of(), Map.of("x", "y"), NumberValue.ofInt(1), null);
        assertEquals("metric \"c\": external labels are not allowed: got 1", verifyFails(verifier(counter("c")), at(T, data)));
    }

    @Test
    void rejectsLabelKeysThatCannotBeWritten() throws VerificationException {
        Verifier v = verifier(gauge("e", new MetricField("", List.of("a"))), gauge("l", new MetricField("le", List.of("a"))),
                gauge("s", new MetricField("pod_name", List.of("a"))), gauge("ok", new MetricField("f", List.of("a"))));
        assertEquals("metric \"e\": empty label key", verifyFails(v, at(T, gaugePoint("e", Map.of("", "a"), 1))));
        assertEquals("metric \"l\": label \"le\" is reserved for histogram buckets",
                verifyFails(v, at(T, gaugePoint("l", Map.of("le", "a"), 1))));
        for (String identity : Verifier.IDENTITY_LABELS) {
            assertEquals("metric \"ok\": label \"" + identity + "\" collides with the identity label of the same name",
                    verifyFails(v, at(T, gaugePoint("ok", Map.of(identity, "a"), 1))));
        }
        v.verify(at(T, gaugePoint("ok", Map.of("f", "a"), 1)));
    }

    @Test
    void checksFieldsAgainstTheRegistration() throws VerificationException {
        Verifier v = verifier(gauge("g", new MetricField("f", List.of("a", "b")), new MetricField("h", List.of("x"))));
        assertEquals("metric \"g\": invalid number of fields: got 1 want 2", verifyFails(v, at(T, gaugePoint("g", Map.of("f", "a"), 1))));
        assertEquals("metric \"g\": did not specify field \"h\"",
                verifyFails(v, at(T, gaugePoint("g", Map.of("f", "a", "z", "x"), 1))));
        assertEquals("metric \"g\": value \"c\" is not allowed for field f",
                verifyFails(v, at(T, gaugePoint("g", Map.of("f", "c", "h", "x"), 1))));
        assertEquals("metric \"g\": combination of field values \"b,x\" was already seen", verifyFails(v, at(T,
                gaugePoint("g", Map.of("f", "b", "h", "x"), 1), gaugePoint("g", Map.of("h", "x", "f", "b"), 2))));
        v.verify(at(T, gaugePoint("g", Map.of("f", "b", "h", "x"), 1), gaugePoint("g", Map.of("f", "a", "h", "x"), 2)));
    }

    @Test
    void requiresIntegralNumbersForUint64Metrics() throws VerificationException {
        Verifier v = verifier(counter("c"), gauge("g"));
        assertEquals("metric \"c\": integer metric got non-integer value: 2.500000",
                verifyFails(v, at(T, counterPoint("c", NumberValue.ofFloat(2.5)))));
        assertEquals("metric \"c\": integer metric got non-integer value: 10000000000000000000.000000",
                verifyFails(v, at(T, counterPoint("c", NumberValue.ofFloat(1e19)))));
        assertEquals("metric \"c\": integer metric got non-integer value: NaN",
                verifyFails(v, at(T, counterPoint("c", NumberValue.ofFloat(Double.NaN)))));
        assertEquals("metric \"g\": expected number value for gauge or counter", verifyFails(v, at(T,
                Data.ofHistogram(new Metric("g", MetricType.GAUGE, "G"), Map.of(), histogram(NumberValue.ZERO, NumberValue.ZERO, NumberValue.ZERO, 0)))));
        v.verify(at(T, counterPoint("c", NumberValue.ofFloat(3.0)), gaugePoint("g", Map.of(), -5)));
    }

    @Test
    void checksHistogramShapeAgainstTheRegistration() throws VerificationException {
        Verifier v = verifier(distribution("d", 0L, 1L, 2L));
        NumberValue z = NumberValue.ZERO;
        assertEquals("metric \"d\": expected histogram value for histogram", verifyFails(v, at(T,
                Data.ofNumber(new Metric("d", MetricType.HISTOGRAM, "D"), Map.of(), NumberValue.ofInt(1)))));
        assertEquals("metric \"d\": invalid number of buckets: got 3 want 4",
                verifyFails(v, at(T, histogramPoint("d", histogram(z, z, z, 0, 0, 0)))));
        assertEquals("metric \"d\": sum of squared deviations must be a floating-point value, got 3",
                verifyFails(v, at(T, histogramPoint("d", histogram(z, z, NumberValue.ofInt(3), 0, 0, 0, 0)))));
        var wrongBound = new Histogram(z, z, z, z, List.of(new Bucket(z, 0), new Bucket(NumberValue.ofFloat(1), 0),
                new Bucket(NumberValue.ofInt(2), 0), new Bucket(NumberValue.ofFloat(Double.POSITIVE_INFINITY), 0)));
        assertEquals("metric \"d\": invalid upper bound for bucket 1 (0-based): got 1.000000 want 1",
                verifyFails(v, at(T, histogramPoint("d", wrongBound))));
        var intInf = new Histogram(z, z, z, z, List.of(new Bucket(z, 0), new Bucket(NumberValue.ofInt(1), 0),
                new Bucket(NumberValue.ofInt(2), 0), new Bucket(NumberValue.ofInt(3), 0)));
        assertEquals("metric \"d\": invalid upper bound for bucket 3 (0-based): got 3 want +Inf",
                verifyFails(v, at(T, histogramPoint("d", intInf))));
        v.verify(at(T, histogramPoint("d", histogram(NumberValue.ofInt(1), NumberValue.ofInt(2), NumberValue.ofFloat(0.5), 0, 1, 1, 0))));
    }

    // Sequences.

    @Test
    void rejectsSnapshotsOlderThanTheLastAcceptedButAllowsEqualTimes() throws VerificationException {
        Verifier v = verifier(counter("c"));
        v.verify(at(T));
        v.verify(at(T));
        assertEquals("consecutive snapshots are not chronologically ordered: last verified snapshot was exported at"
                + " 2023-01-02 03:04:05.678 +0000 UTC, this one is from 2023-01-02 03:04:05.677 +0000 UTC",
                verifyFails(v, at(T.minusMillis(1))));
    }

    @Test
    void rejectsCounterRegressionUntilTheValueIsBack() throws VerificationException {
        Verifier v = verifier(counter("c"));
        v.verify(at(T, counterPoint("c", NumberValue.ofInt(3))));
        assertEquals("metric \"c\": counter value decreased from 3 to 2", verifyFails(v, at(T, counterPoint("c", NumberValue.ofInt(2)))));
        assertEquals("metric \"c\": counter value decreased from 3 to 2", verifyFails(v, at(T, counterPoint("c", NumberValue.ofInt(2)))));
        v.verify(at(T, counterPoint("c", NumberValue.ofInt(3))));
        v.verify(at(T, counterPoint("c", NumberValue.ofInt(4))));
    }

    @Test
    void rejectsACounterThatChangesNumberKindButLetsZeroBeEither() throws VerificationException {
        Verifier v = verifier(counter("c"));
        v.verify(at(T, counterPoint("c", NumberValue.ZERO)));
        v.verify(at(T, counterPoint("c", NumberValue.ofFloat(2))));
        assertEquals("metric \"c\": counter number type changed: 2.000000 vs 3", verifyFails(v, at(T, counterPoint("c", NumberValue.ofInt(3)))));
        v.verify(at(T, counterPoint("c", NumberValue.ofFloat(3))));
    }

    @Test
    void keepsNoStateFromARejectedSnapshot() throws VerificationException {
        Verifier v = verifier(counter("a"), counter("b"));
        v.verify(at(T.minusMillis(2), counterPoint("a", NumberValue.ofInt(1)), counterPoint("b", NumberValue.ofInt(5))));
        assertEquals("metric \"b\": counter value decreased from 5 to 4",
                verifyFails(v, at(T, counterPoint("a", NumberValue.ofInt(9)), counterPoint("b", NumberValue.ofInt(4)))));
        // Neither a = 9 nor the later time was remembered.
        v.verify(at(T.minusMillis(1), counterPoint("a", NumberValue.ofInt(2))));
    }

    @Test
    void carriesOverValuesOfCombinationsMissingFromASnapshot() throws VerificationException {
        var f = new MetricField("f", List.of("a", "b"));
        Verifier v = verifier(new RegisteredMetric("/c", "c", "C", true, ValueType.UINT64, List.of(f), List.of()));
        Metric c = new Metric("c", MetricType.COUNTER, "C");
        v.verify(at(T, Data.ofNumber(c, Map.of("f", "a"), NumberValue.ofInt(5)), Data.ofNumber(c, Map.of("f", "b"), NumberValue.ofInt(7))));
        v.verify(at(T, Data.ofNumber(c, Map.of("f", "a"), NumberValue.ofInt(6))));
        assertEquals("metric \"c\": counter value decreased from 7 to 6",
                verifyFails(v, at(T, Data.ofNumber(c, Map.of("f", "b"), NumberValue.ofInt(6)))));
    }

    @Test
    void doesNotCheckGaugesForMonotonicity() throws VerificationException {
        Verifier v = verifier(gauge("g"));
        v.verify(at(T, gaugePoint("g", Map.of(), 5)));
        v.verify(at(T, gaugePoint("g", Map.of(), 3)));
    }

    @Test
    void checksHistogramMinAndMaxOnceThereIsASample() throws VerificationException {
        Verifier v = verifier(distribution("d", 0L));
        NumberValue f = NumberValue.ofFloat(0.5);
        // No samples yet: min and max may move anywhere.
        v.verify(at(T, histogramPoint("d", histogram(NumberValue.ofInt(5), NumberValue.ofInt(1), f, 0, 0))));
        v.verify(at(T, histogramPoint("d", histogram(NumberValue.ofInt(2), NumberValue.ofInt(4), f, 0, 1))));
        assertEquals("metric \"d\": minimum value strictly increased from 2 to 3",
                verifyFails(v, at(T, histogramPoint("d", histogram(NumberValue.ofInt(3), NumberValue.ofInt(4), f, 0, 1)))));
        assertEquals("metric \"d\": maximum value strictly decreased from 4 to 3",
                verifyFails(v, at(T, histogramPoint("d", histogram(NumberValue.ofInt(2), NumberValue.ofInt(3), f, 0, 1)))));
        assertEquals("metric \"d\": minimum value number type changed: 2 vs 1.500000",
                verifyFails(v, at(T, histogramPoint("d", histogram(NumberValue.ofFloat(1.5), NumberValue.ofInt(4), f, 0, 1)))));
        assertEquals("metric \"d\": maximum value number type changed: 4 vs 4.500000",
                verifyFails(v, at(T, histogramPoint("d", histogram(NumberValue.ofInt(2), NumberValue.ofFloat(4.5), f, 0, 1)))));
        v.verify(at(T, histogramPoint("d", histogram(NumberValue.ofInt(1), NumberValue.ofInt(9), f, 1, 1))));
    }

    @Test
    void checksHistogramSsdOnceThereAreTwoSamples() throws VerificationException {
        Verifier v = verifier(distribution("d", 0L));
        NumberValue one = NumberValue.ofInt(1);
        v.verify(at(T, histogramPoint("d", histogram(one, one, NumberValue.ofFloat(2.5), 0, 1))));
        v.verify(at(T, histogramPoint("d", histogram(one, one, NumberValue.ofFloat(1.5), 0, 2))));
        assertEquals("metric \"d\": sum of squared deviations decreased from 1.500000 to 1.250000",
                verifyFails(v, at(T, histogramPoint("d", histogram(one, one, NumberValue.ofFloat(1.25), 0, 2)))));
        v.verify(at(T, histogramPoint("d", histogram(one, one, NumberValue.ofFloat(1.5), 0, 2))));
    }

    @Test
    void rejectsFewerSamplesInABucket() throws VerificationException {
        Verifier v = verifier(distribution("d", 0L, 1L));
        NumberValue one = NumberValue.ofInt(1);
        NumberValue ssd = NumberValue.ofFloat(0.5);
        v.verify(at(T, histogramPoint("d", histogram(one, NumberValue.ofInt(5), ssd, 1, 3, 1))));
        assertEquals("metric \"d\": number of samples in bucket 1 (0-based) decreased from 3 to 2",
                verifyFails(v, at(T, histogramPoint("d", histogram(one, NumberValue.ofInt(5), ssd, 1, 2, 9)))));
        // Fewer samples and a smaller max: the max is checked first.
        assertEquals("metric \"d\": maximum value strictly decreased from 5 to 4",
                verifyFails(v, at(T, histogramPoint("d", histogram(one, NumberValue.ofInt(4), ssd, 1, 2, 1)))));
    }

    @Test
    void limitsTheNumberOfLargeStoredValues() throws VerificationException {
        var f = new MetricField("f", List.of("a", "b", "c"));
        var reg = new MetricRegistration(List.of(new RegisteredMetric("/c", "c", "C", true, ValueType.UINT64, List.of(f), List.of())), List.of());
        Verifier v = Verifier.create(reg, CLOCK, 2);
        Metric c = new Metric("c", MetricType.COUNTER, "C");
        long big = 1L << 31;
        v.verify(at(T, Data.ofNumber(c, Map.of("f", "a"), NumberValue.ofInt(big)), Data.ofNumber(c, Map.of("f", "b"), NumberValue.ofInt(big))));
        v.verify(at(T, Data.ofNumber(c, Map.of("f", "c"), NumberValue.ofInt(5))));
        assertEquals("snapshot contains too many large numbers: 3 values need 64-bit storage, the limit is 2",
                verifyFails(v, at(T, Data.ofNumber(c, Map.of("f", "c"), NumberValue.ofInt(big)))));
        assertEquals((1L << 30) - 1, Verifier.MAX_LARGE_NUMBERS);
    }

    @Test
    void countsLargeValuesAsUpstreamsPackerDoes() {
        assertFalse(Verifier.isLarge(NumberValue.ZERO));
        assertFalse(Verifier.isLarge(NumberValue.ofInt((1 << 30) - 1)));
        assertTrue(Verifier.isLarge(NumberValue.ofInt(1 << 30)));
        assertTrue(Verifier.isLarge(NumberValue.ofInt(-1)));
        assertFalse(Verifier.isLarge(NumberValue.ofFloat(0.5)));
        assertFalse(Verifier.isLarge(NumberValue.ofFloat(65536.0)));
        assertTrue(Verifier.isLarge(NumberValue.ofFloat(131072.0)));
        assertFalse(Verifier.isLarge(NumberValue.ofFloat(0x1p-15)));
        assertTrue(Verifier.isLarge(NumberValue.ofFloat(0x1p-16)));
        assertTrue(Verifier.isLarge(NumberValue.ofFloat(-0.5)));
        assertTrue(Verifier.isLarge(NumberValue.ofFloat(0.1)));
        assertFalse(Verifier.isLarge(NumberValue.ofFloat(Double.NaN)));
        assertFalse(Verifier.isLarge(NumberValue.ofFloat(Double.NEGATIVE_INFINITY)));
    }

    @Test
    void verifiesFromManyThreadsSafely() throws Exception {
        Verifier v = verifier(counter("c"));
        List<Future<?>> results = new ArrayList<>();
        List<Instant> times = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 200; i++) {
                long value = i;
                results.add(pool.submit(() -> {
                    try {
                        v.verify(at(T, counterPoint("c", NumberValue.ofInt(value))));
                        times.add(T);
                    } catch (VerificationException e) {
                        // A smaller value losing the race is expected.
                        assertTrue(e.getMessage().startsWith("metric \"c\": counter value decreased from "), e.getMessage());
                    }
                    return null;
                }));
            }
            for (Future<?> f : results) {
                f.get();
            }
        }
        assertFalse(times.isEmpty());
        v.verify(at(T, counterPoint("c", NumberValue.ofInt(199))));
        assertEquals("metric \"c\": counter value decreased from 199 to 198",
                verifyFails(v, at(T, counterPoint("c", NumberValue.ofInt(198)))));
    }

    @Test
    void keepsLabelMapsOrderIndependent() throws VerificationException {
        Verifier v = verifier(gauge("g", new MetricField("a", List.of("1")), new MetricField("b", List.of("2"))));
        var labels = new LinkedHashMap<String, String>();
        labels.put("b", "2");
        labels.put("a", "1");
        v.verify(at(T, gaugePoint("g", labels, 1)));
    }

    @Test
    void sandboxesWithTheSameRegistrationKeepTheirOwnState() throws VerificationException {
        // Equal registrations share one definition table; the remembered values must stay per sandbox.
        Verifier a = verifier(counter("c"), gauge("g", new MetricField("f", List.of("x", "y"))));
        Verifier b = verifier(counter("c"), gauge("g", new MetricField("f", List.of("x", "y"))));
        a.verify(at(T, counterPoint("c", NumberValue.ofInt(10))));
        b.verify(at(T, counterPoint("c", NumberValue.ofInt(2))));
        assertEquals("metric \"c\": counter value decreased from 10 to 9", verifyFails(a, at(T, counterPoint("c", NumberValue.ofInt(9)))));
        b.verify(at(T, counterPoint("c", NumberValue.ofInt(3))));
        assertEquals("metric \"g\": value \"z\" is not allowed for field f",
                verifyFails(b, at(T, gaugePoint("g", Map.of("f", "z"), 1))));
        a.verify(at(T, counterPoint("c", NumberValue.ofInt(10)), gaugePoint("g", Map.of("f", "x"), 1)));
    }

    @Test
    void aRepeatedCombinationIsCaughtWithAndWithoutFields() throws VerificationException {
        Verifier v = verifier(counter("c"), gauge("g", new MetricField("f", List.of("x", "y"))));
        assertEquals("metric \"c\": combination of field values \"\" was already seen",
                verifyFails(v, at(T, counterPoint("c", NumberValue.ofInt(1)), counterPoint("c", NumberValue.ofInt(1)))));
        assertEquals("metric \"g\": combination of field values \"x\" was already seen",
                verifyFails(v, at(T, gaugePoint("g", Map.of("f", "x"), 1), gaugePoint("g", Map.of("f", "y"), 1),
                        gaugePoint("g", Map.of("f", "x"), 2))));
        v.verify(at(T, gaugePoint("g", Map.of("f", "x"), 1), gaugePoint("g", Map.of("f", "y"), 1), counterPoint("c", NumberValue.ofInt(1))));
    }
}
