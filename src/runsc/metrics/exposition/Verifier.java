// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import runsc.metrics.gotext.GoQuote;
import runsc.metrics.gotext.GoText;

/**
 * Checks the snapshots of one sandbox against the metrics it registered at creation, as gVisor's
 * {@code prometheus.Verifier} does: the sandbox is untrusted once it runs, so a snapshot must name
 * only registered metrics with their exact definition and allowed field values, be fresh, and
 * never move counters or histograms backwards.
 *
 * <p>Construction ({@link #create}) applies upstream's registration rules in order; the first
 * failure wins. {@link #verify} applies upstream's snapshot checks in upstream's order, plus this
 * project's: no {@code external_labels}, no empty label key, no label {@code le} (reserved for
 * bucket lines), no label named like an {@linkplain #IDENTITY_LABELS identity label}. Checking is
 * all or nothing: the remembered time and values change only when the whole snapshot passes, and
 * values of field combinations missing from a snapshot carry over. An instance is thread-safe; keep
 * one per served sandbox for as long as it is served.
 */
public final class Verifier {
    /** Oldest snapshot accepted, relative to the verifier clock (exactly this old is accepted). */
    public static final Duration MAX_STALENESS = Duration.ofSeconds(10);
    /** Most buckets of a registered distribution (bounds + 1). */
    public static final int MAX_BUCKETS = 256;
    /** Prefix reserved for the server's own metrics. */
    public static final String META_PREFIX = "meta_";
    /** Names Prometheus reserves for process metrics; a sandbox may not register them. */
    public static final Set<String> PROCESS_METRICS = Set.of("process_cpu_seconds_total", "process_open_fds",
            "process_max_fds", "process_virtual_memory_bytes", "process_virtual_memory_max_bytes",
            "process_resident_memory_bytes", "process_heap_bytes", "process_start_time_seconds",
            "process_threads");
    /** Labels the server adds to every series of a sandbox; a sandbox label may not use them. */
    public static final Set<String> IDENTITY_LABELS = Set.of("sandbox", "iteration", "pod_name", "namespace_name");
    /**
     * Most stored 64-bit values (upstream's packer limit, 2^30 - 1): values that do not fit its
     * 30-bit direct form, kept as the last accepted state.
     */
    public static final long MAX_LARGE_NUMBERS = (1L << 30) - 1;

    /**
     * Most registrations whose tables are shared. Sandboxes of one runsc build register the same
     * metrics, so a thousand sandboxes share one immutable table instead of holding a thousand
     * copies of every name, help text and allowed field value (tens of megabytes); only the
     * per-sandbox state below is their own.
     */
    static final int SHARED_TABLES_LIMIT = 64;
    private static final Map<MetricRegistration, Map<String, Expected>> SHARED_TABLES = new ConcurrentHashMap<>();

    private final Map<String, Expected> metrics;
    private final Clock clock;
    private final long maxLargeNumbers;

    // Guarded by this.
    private Instant lastWhen = Instant.MIN;
    private long storedLarge;
    private final Map<String, Map<String, NumberValue>> lastCounters = new HashMap<>();
    private final Map<String, Map<String, Histogram>> lastHistograms = new HashMap<>();

    /** What a registered metric must look like in a snapshot. */
    private record Expected(RegisteredMetric registration, Metric metric, MetricType type,
                            Map<String, Set<String>> allowed, List<NumberValue> upperBounds) {}

    private Verifier(Map<String, Expected> metrics, Clock clock, long maxLargeNumbers) {
        this.metrics = metrics;
        this.clock = clock;
        this.maxLargeNumbers = maxLargeNumbers;
    }

    /**
     * Builds a verifier for a sandbox's registration.
     *
     * @param registration the metrics the sandbox registered
     * @param clock the clock that decides whether a snapshot is from the future or too old
     * @return the verifier
     * @throws VerificationException for the first registered metric that breaks a rule, for
     *     example {@code metric "fs_opens": field sysno is defined twice}
     */
    public static Verifier create(MetricRegistration registration, Clock clock) throws VerificationException {
        return create(registration, clock, MAX_LARGE_NUMBERS);
    }

    static Verifier create(MetricRegistration registration, Clock clock, long maxLargeNumbers)
            throws VerificationException {
        Objects.requireNonNull(clock, "clock");
        Map<String, Expected> metrics = SHARED_TABLES.get(registration);
        if (metrics == null) {
            metrics = table(registration);
            if (SHARED_TABLES.size() >= SHARED_TABLES_LIMIT) {
                SHARED_TABLES.clear(); // a bound, not a policy: hosts run a handful of runsc builds
            }
            SHARED_TABLES.put(registration, metrics);
        }
        return new Verifier(metrics, clock, maxLargeNumbers);
    }

    /** The expected definitions of a registration, by Prometheus name; unmodifiable. */
    private static Map<String, Expected> table(MetricRegistration registration) throws VerificationException {
        var metrics = new HashMap<String, Expected>();
        for (RegisteredMetric m : registration.metrics()) {
            String p = m.prometheusName();
            if (metrics.containsKey(p)) {
                throw new VerificationException("metric " + GoQuote.quote(p) + " registered twice");
            }
            try {
                metrics.put(p, expected(m));
            } catch (VerificationException e) {
                throw new VerificationException("metric " + GoQuote.quote(p) + ": " + e.getMessage(), e);
            }
        }
        return Map.copyOf(metrics);
    }

    private static Expected expected(RegisteredMetric m) throws VerificationException {
        String p = m.prometheusName();
        if (m.name().isEmpty() || p.isEmpty()) {
            throw new VerificationException("metric has no name");
        }
        if (PROCESS_METRICS.contains(p)) {
            throw new VerificationException("metric name " + GoQuote.quote(p)
                    + " is reserved by Prometheus for process-level metrics");
        }
        if (p.startsWith(META_PREFIX)) {
            throw new VerificationException("metric name " + GoQuote.quote(p) + " starts with "
                    + GoQuote.quote(META_PREFIX) + " which is a reserved prefix");
        }
        // Upstream tests the first byte of the UTF-8 name as if it were a code point.
        int first = p.codePointAt(0) < 0x80 ? p.charAt(0) : firstUtf8Byte(p.codePointAt(0));
        if (Character.getType(first) != Character.LOWERCASE_LETTER) {
            throw new VerificationException("invalid initial character in prometheus metric name: " + GoQuote.quote(p));
        }
        for (int i = 0; i < p.length(); ) {
            int c = p.codePointAt(i);
            if (Character.getType(c) != Character.LOWERCASE_LETTER
                    && Character.getType(c) != Character.DECIMAL_DIGIT_NUMBER && c != '_') {
                throw new VerificationException("invalid character " + Character.toString(c)
                        + " in prometheus metric name " + GoQuote.quote(p));
            }
            i += Character.charCount(c);
        }
        var allowed = new LinkedHashMap<String, Set<String>>();
        for (MetricField f : m.fields()) {
            if (allowed.containsKey(f.name())) {
                throw new VerificationException("field " + f.name() + " is defined twice");
            }
            if (f.allowedValues().isEmpty()) {
                throw new VerificationException("field " + f.name() + " has no allowed values");
            }
            var values = new HashSet<String>();
            for (String v : f.allowedValues()) {
                if (!values.add(v)) {
                    throw new VerificationException("field " + f.name() + " has duplicate allowed value "
                            + GoQuote.quote(v));
                }
            }
            allowed.put(f.name(), Set.copyOf(values));
        }
        MetricType type;
        var bounds = new ArrayList<NumberValue>();
        if (m.typeCode() == ValueType.UINT64.code()) {
            type = m.cumulative() ? MetricType.COUNTER : MetricType.GAUGE;
        } else if (m.typeCode() == ValueType.DISTRIBUTION.code()) {
            type = MetricType.HISTOGRAM;
            int buckets = m.bucketLowerBounds().size() + 1;
            if (buckets <= 1 || buckets > MAX_BUCKETS) {
                throw new VerificationException("unsupported number of buckets: " + buckets);
            }
            for (long b : m.bucketLowerBounds()) {
                bounds.add(NumberValue.ofInt(b));
            }
            bounds.add(NumberValue.ofFloat(Double.POSITIVE_INFINITY));
        } else {
            throw new VerificationException("invalid type: " + m.typeCode());
        }
        return new Expected(m, new Metric(p, type, m.description()), type, Collections.unmodifiableMap(allowed),
                List.copyOf(bounds));
    }

    private static int firstUtf8Byte(int codePoint) {
        if (codePoint < 0x800) {
            return 0xC0 | codePoint >> 6;
        }
        return codePoint < 0x10000 ? 0xE0 | codePoint >> 12 : 0xF0 | codePoint >> 18;
    }

    /**
     * {@return the names of the registered metrics, unprefixed; unmodifiable}
     */
    public Set<String> metricNames() {
        return metrics.keySet();
    }

    /**
     * Verifies a snapshot against the registration at the clock's current time, and remembers its
     * time and values if it passes.
     *
     * @param snapshot the snapshot
     * @throws VerificationException for the first rule broken; nothing is remembered then
     */
    public void verify(Snapshot snapshot) throws VerificationException {
        verify(snapshot, clock.instant());
    }

    /**
     * Verifies a snapshot as of {@code now}, and remembers its time and values if it passes.
     *
     * @param snapshot the snapshot
     * @param now the current time for the freshness checks
     * @throws VerificationException for the first rule broken; nothing is remembered then
     */
    public synchronized void verify(Snapshot snapshot, Instant now) throws VerificationException {
        Instant when = snapshot.when();
        if (when.isAfter(now)) {
            throw new VerificationException("snapshot is from the future");
        }
        Instant oldest = now.minus(MAX_STALENESS);
        if (when.isBefore(oldest)) {
            throw new VerificationException("snapshot is too old; it is from " + time(when) + ", expected at least "
                    + time(oldest) + " (" + MAX_STALENESS.toSeconds() + "s from now)");
        }
        List<Data> data = snapshot.data();
        int n = data.size();
        Expected[] expected = new Expected[n];
        String[] combinations = new String[n];
        // Field combinations already seen: a metric without fields has just one, so its name is the key.
        var seen = new HashSet<String>();
        for (int i = 0; i < n; i++) {
            Data d = data.get(i);
            Expected e = metrics.get(d.metric().name());
            if (e == null) {
                throw new VerificationException("snapshot contains unknown metric " + GoQuote.quote(d.metric().name()));
            }
            expected[i] = e;
            try {
                combinations[i] = checkPoint(d, e, seen);
            } catch (VerificationException ex) {
                throw wrap(d, ex);
            }
        }
        if (lastWhen.isAfter(when)) {
            throw new VerificationException("consecutive snapshots are not chronologically ordered: last verified"
                    + " snapshot was exported at " + time(lastWhen) + ", this one is from " + time(when));
        }
        for (int i = 0; i < n; i++) {
            Data d = data.get(i);
            try {
                checkIncrement(d, expected[i], combinations[i]);
            } catch (VerificationException ex) {
                throw wrap(d, ex);
            }
        }
        long large = countLargeNumbers(data, expected, combinations);
        if (large > maxLargeNumbers) {
            throw new VerificationException("snapshot contains too many large numbers: " + large
                    + " values need 64-bit storage, the limit is " + maxLargeNumbers);
        }
        lastWhen = when;
        storedLarge = large;
        for (int i = 0; i < n; i++) {
            Data d = data.get(i);
            switch (expected[i].type()) {
                case COUNTER -> lastCounters.computeIfAbsent(d.metric().name(), k -> new HashMap<>())
                        .put(combinations[i], d.number());
                case HISTOGRAM -> lastHistograms.computeIfAbsent(d.metric().name(), k -> new HashMap<>())
                        .put(combinations[i], d.histogram());
                case GAUGE, UNTYPED -> { }
            }
        }
    }

    private static VerificationException wrap(Data d, VerificationException e) {
        return new VerificationException("metric " + GoQuote.quote(d.metric().name()) + ": " + e.getMessage(), e);
    }

    /** Read-only checks of one point; returns its field combination. */
    private static String checkPoint(Data d, Expected e, Set<String> seen) throws VerificationException {
        if (d.metric() != e.metric() && !d.metric().equals(e.metric())) {
            throw new VerificationException("invalid metric definition: got &" + definition(d.metric())
                    + " want " + definition(e.metric()));
        }
        if (!d.externalLabels().isEmpty()) {
            throw new VerificationException("external labels are not allowed: got " + d.externalLabels().size());
        }
        if (!d.labels().isEmpty()) {
            for (String key : d.labels().keySet()) {
                if (key.isEmpty()) {
                    throw new VerificationException("empty label key");
                }
                if (key.equals("le")) {
                    throw new VerificationException("label \"le\" is reserved for histogram buckets");
                }
                if (IDENTITY_LABELS.contains(key)) {
                    throw new VerificationException("label " + GoQuote.quote(key)
                            + " collides with the identity label of the same name");
                }
            }
        }
        if (d.labels().size() != e.allowed().size()) {
            throw new VerificationException("invalid number of fields: got " + d.labels().size()
                    + " want " + e.allowed().size());
        }
        String key = e.allowed().isEmpty() ? "" : combination(d, e);
        // Names cannot contain a NUL, so name + NUL + combination keys one metric's combination.
        String seenKey = key.isEmpty() ? e.metric().name() : e.metric().name() + '\0' + key;
        if (seen.contains(seenKey)) {
            throw new VerificationException("combination of field values " + GoQuote.quote(key) + " was already seen");
        }
        switch (e.type()) {
            case GAUGE, COUNTER, UNTYPED -> {
                if (d.number() == null) {
                    throw new VerificationException("expected number value for gauge or counter");
                }
                if (!d.number().isInteger()) {
                    throw new VerificationException("integer metric got non-integer value: " + d.number());
                }
            }
            case HISTOGRAM -> {
                Histogram h = d.histogram();
                if (h == null) {
                    throw new VerificationException("expected histogram value for histogram");
                }
                if (h.buckets().size() != e.upperBounds().size()) {
                    throw new VerificationException("invalid number of buckets: got " + h.buckets().size()
                            + " want " + e.upperBounds().size());
                }
                if (h.ssd() instanceof NumberValue.IntValue && !h.ssd().isZero()) {
                    throw new VerificationException("sum of squared deviations must be a floating-point value, got "
                            + h.ssd());
                }
                for (int i = 0; i < h.buckets().size(); i++) {
                    NumberValue got = h.buckets().get(i).upperBound();
                    if (!got.equals(e.upperBounds().get(i))) {
                        throw new VerificationException("invalid upper bound for bucket " + i + " (0-based): got "
                                + got + " want " + e.upperBounds().get(i));
                    }
                }
            }
        }
        seen.add(seenKey);
        return key;
    }

    /** The point's field values in registration order, comma-separated (upstream's key text). */
    private static String combination(Data d, Expected e) throws VerificationException {
        var combination = new StringBuilder();
        boolean first = true;
        for (Map.Entry<String, Set<String>> field : e.allowed().entrySet()) {
            String value = d.labels().get(field.getKey());
            if (value == null) {
                throw new VerificationException("did not specify field " + GoQuote.quote(field.getKey()));
            }
            if (!field.getValue().contains(value)) {
                throw new VerificationException("value " + GoQuote.quote(value) + " is not allowed for field "
                        + field.getKey());
            }
            if (!first) {
                combination.append(',');
            }
            combination.append(value);
            first = false;
        }
        return combination.toString();
    }

    private static String definition(Metric m) {
        return "{Name:" + m.name() + " Type:" + m.typeCode() + " Help:" + m.help() + "}";
    }

    /** Monotonicity against the last accepted values (guarded by this). */
    private void checkIncrement(Data d, Expected e, String combination) throws VerificationException {
        switch (e.type()) {
            case COUNTER -> {
                NumberValue last = lastCounters.getOrDefault(d.metric().name(), Map.of())
                        .getOrDefault(combination, NumberValue.ZERO);
                NumberValue now = d.number();
                if (!last.sameKind(now)) {
                    throw new VerificationException("counter number type changed: " + last + " vs " + now);
                }
                if (greaterThan(last, now)) {
                    throw new VerificationException("counter value decreased from " + last + " to " + now);
                }
            }
            case HISTOGRAM -> {
                Histogram last = lastHistograms.getOrDefault(d.metric().name(), Map.of()).get(combination);
                if (last == null) {
                    return;
                }
                Histogram now = d.histogram();
                long lastCount = last.count();
                if (Long.compareUnsigned(lastCount, 1) >= 0) {
                    checkExtreme("minimum", last.min(), now.min(), false);
                    checkExtreme("maximum", last.max(), now.max(), true);
                }
                if (Long.compareUnsigned(lastCount, 2) >= 0 && greaterThan(last.ssd(), now.ssd())) {
                    throw new VerificationException("sum of squared deviations decreased from " + last.ssd()
                            + " to " + now.ssd());
                }
                for (int i = 0; i < now.buckets().size(); i++) {
                    long before = last.buckets().get(i).samples();
                    long after = now.buckets().get(i).samples();
                    if (Long.compareUnsigned(before, after) > 0) {
                        throw new VerificationException("number of samples in bucket " + i + " (0-based) decreased from "
                                + Long.toUnsignedString(before) + " to " + Long.toUnsignedString(after));
                    }
                }
            }
            case GAUGE, UNTYPED -> { }
        }
    }

    /**
     * Checks a histogram's minimum or maximum against its last value: the number kind stays, the
     * minimum never rises and the maximum never falls.
     *
     * @param which {@code minimum} or {@code maximum}, the word upstream's messages start with
     * @param mayRise true for the maximum
     */
    private static void checkExtreme(String which, NumberValue last, NumberValue now, boolean mayRise)
            throws VerificationException {
        if (!last.sameKind(now)) {
            throw new VerificationException(which + " value number type changed: " + last + " vs " + now);
        }
        if (mayRise ? greaterThan(last, now) : greaterThan(now, last)) {
            throw new VerificationException(which + " value strictly " + (mayRise ? "decreased" : "increased")
                    + " from " + last + " to " + now);
        }
    }

    /** Go's {@code Number.GreaterThan}: exact for two ints, else as doubles (false with NaN). */
    static boolean greaterThan(NumberValue a, NumberValue b) {
        if (a instanceof NumberValue.IntValue(long x) && b instanceof NumberValue.IntValue(long y)) {
            return x > y;
        }
        return asDouble(a) > asDouble(b);
    }

    private static double asDouble(NumberValue n) {
        return switch (n) {
            case NumberValue.IntValue(long v) -> v;
            case NumberValue.FloatValue(double v) -> v;
        };
    }

    /**
     * Counts the values upstream would keep in 64-bit slots if this snapshot were accepted: the
     * stored count, adjusted for each value this snapshot replaces (guarded by this).
     */
    private long countLargeNumbers(List<Data> data, Expected[] expected, String[] combinations) {
        long large = storedLarge;
        for (int i = 0; i < data.size(); i++) {
            Data d = data.get(i);
            String name = d.metric().name();
            switch (expected[i].type()) {
                case COUNTER -> {
                    NumberValue last = lastCounters.getOrDefault(name, Map.of()).get(combinations[i]);
                    large += largeCount(d.number()) - (last == null ? 0 : largeCount(last));
                }
                case HISTOGRAM -> {
                    Histogram last = lastHistograms.getOrDefault(name, Map.of()).get(combinations[i]);
                    large += largeCount(d.histogram()) - (last == null ? 0 : largeCount(last));
                }
                case GAUGE, UNTYPED -> { }
            }
        }
        return large;
    }

    private static int largeCount(NumberValue n) {
        return isLarge(n) ? 1 : 0;
    }

    private static int largeCount(Histogram h) {
        int large = largeCount(h.min()) + largeCount(h.max()) + largeCount(h.ssd());
        for (Bucket b : h.buckets()) {
            large += largeCount(NumberValue.ofInt(b.samples()));
        }
        return large;
    }

    /**
     * Whether upstream's packer needs a 64-bit slot for the value: ints outside 0..2^30-1, and
     * floats other than NaN, the infinities and non-negative float32-exact values whose exponent
     * lies in -15..16.
     */
    static boolean isLarge(NumberValue n) {
        return switch (n) {
            case NumberValue.IntValue(long v) -> v < 0 || v > (1 << 30) - 1;
            case NumberValue.FloatValue(double v) -> {
                if (Double.isNaN(v) || Double.isInfinite(v)) {
                    yield false;
                }
                if (v >= 0 && (double) (float) v == v) {
                    int exponent = Math.getExponent((float) v);
                    yield exponent < -15 || exponent > 16;
                }
                yield true;
            }
        };
    }

    private static String time(Instant t) {
        return GoText.formatTime(t, ZoneOffset.UTC, OptionalLong.empty());
    }
}
