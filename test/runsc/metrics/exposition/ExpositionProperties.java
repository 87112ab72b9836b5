// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of the text writer over generated snapshots. */
class ExpositionProperties {
    /** Metric names and their types; the same name always has the same type. */
    static final Map<String, MetricType> NAMES = Map.of("alpha", MetricType.GAUGE, "beta", MetricType.COUNTER,
            "gamma", MetricType.HISTOGRAM, "b_delta", MetricType.UNTYPED, "_delta", MetricType.COUNTER,
            "zeta", MetricType.HISTOGRAM);
    static final List<String> PREFIXES = List.of("", "runsc_", "runsc_meta_", "a", "a_");
    static final Instant T = Instant.parse("2023-01-02T03:04:05.678Z");

    /** Label text made of the characters that need care: quotes, backslashes, LF, non-ASCII, supplementary. */
    @Provide
    Arbitrary<String> labelValues() {
        Arbitrary<String> atoms = Arbitraries.of("\"", "\\", "\n", "a", "Z", " ", "=", ",", "{", "}", "#", "\u00e9",
                "\u20ac", "\uE000", "\uFFFD", "\uD83D\uDE00", "\uD834\uDD1E", "\\n", "\\\"", "\t");
        return Arbitraries.oneOf(atoms.list().ofMaxSize(12).map(l -> String.join("", l)),
                Arbitraries.strings().alpha().numeric().ofMaxLength(10));
    }

    Arbitrary<NumberValue> numbers() {
        return Arbitraries.oneOf(Arbitraries.longs().map(NumberValue::ofInt),
                Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, 1_000_000_000_000_000_000L).map(NumberValue::ofInt),
                Arbitraries.doubles().map(NumberValue::ofFloat),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 1e-7, -1e-7, 1.5e300)
                        .map(NumberValue::ofFloat));
    }

    Arbitrary<Histogram> histograms() {
        Arbitrary<List<Long>> samples = Arbitraries.longs().between(0, 1000).list().ofMinSize(1).ofMaxSize(5);
        return Combinators.combine(numbers(), numbers(), numbers(), numbers(), samples).as((total, min, max, ssd, n) -> {
            var buckets = new ArrayList<Bucket>();
            for (int i = 0; i < n.size(); i++) {
                NumberValue bound = i == n.size() - 1 ? NumberValue.ofFloat(Double.POSITIVE_INFINITY)
                        : i % 2 == 0 ? NumberValue.ofInt(i * 4L) : NumberValue.ofFloat(i * 4 + 0.5);
                buckets.add(new Bucket(bound, n.get(i)));
            }
            return new Histogram(total, min, max, ssd, buckets);
        });
    }

    Arbitrary<Data> points() {
        Arbitrary<Map<String, String>> labels = Arbitraries.maps(Arbitraries.of("a", "b", "c", "z_9", "A"), labelValues())
                .ofMaxSize(4);
        Arbitrary<Map<String, String>> external = Arbitraries.maps(Arbitraries.of("ext", "x_ext"), labelValues()).ofMaxSize(1);
        Arbitrary<String> help = Arbitraries.oneOf(labelValues(), Arbitraries.just(""));
        return Combinators.combine(Arbitraries.of(NAMES.keySet().stream().sorted().toList()), labels, external, help,
                numbers(), histograms()).as((name, l, e, h, number, histogram) -> {
                    MetricType type = NAMES.get(name);
                    Metric metric = new Metric(name, type, h);
                    return type == MetricType.HISTOGRAM ? new Data(metric, l, e, null, histogram)
                            : new Data(metric, l, e, number, null);
                });
    }

    @Provide
    Arbitrary<List<SnapshotExport>> snapshots() {
        Arbitrary<Map<String, String>> extra = Arbitraries.maps(Arbitraries.of("sandbox", "pod_name", "iteration"), labelValues())
                .ofMaxSize(3);
        Arbitrary<SnapshotExport> one = Combinators.combine(points().list().ofMaxSize(8), Arbitraries.of(PREFIXES), extra,
                Arbitraries.longs().between(-5_000, 5_000)).as((data, prefix, labels, ms) ->
                new SnapshotExport(new Snapshot(T.plusMillis(ms), data), new SnapshotOptions(prefix, labels)));
        return one.list().ofMinSize(1).ofMaxSize(4);
    }

    static String write(List<SnapshotExport> snapshots) throws IOException {
        var out = new ByteArrayOutputStream();
        long n = new ExpositionWriter().write(out, ExportOptions.DEFAULT, snapshots);
        assertEquals(out.size(), n);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Property(tries = 300)
    void outputParsesUnderTheTextFormatGrammar(@ForAll("snapshots") List<SnapshotExport> snapshots) throws IOException {
        TextFormatParser.Document doc = TextFormatParser.parse(write(snapshots));
        long points = snapshots.stream().mapToLong(s -> s.snapshot().data().stream()
                .mapToLong(d -> d.histogram() == null ? 1 : d.histogram().buckets().size() + 5).sum()).sum();
        assertEquals(points, doc.samples().size());
    }

    @Property(tries = 300)
    void labelValuesAndHelpRoundTripThroughEscaping(@ForAll("labelValues") String value, @ForAll("labelValues") String help)
            throws IOException {
        var data = Data.ofNumber(new Metric("m", MetricType.GAUGE, help), Map.of("k", value), NumberValue.ofInt(1));
        var extra = new SnapshotOptions("", Map.of("sandbox", value));
        TextFormatParser.Document doc = TextFormatParser.parse(write(List.of(new SnapshotExport(new Snapshot(T, List.of(data)), extra))));
        assertEquals(Map.of("k", value, "sandbox", value), doc.samples().getFirst().labels());
        if (!help.isEmpty()) {
            assertEquals(help, doc.help().get("m"));
        }
    }

    @Property(tries = 300)
    void groupsAreSortedBytewiseAndContiguous(@ForAll("snapshots") List<SnapshotExport> snapshots) throws IOException {
        Set<String> groups = new HashSet<>();
        Set<String> histogramGroups = new HashSet<>();
        for (SnapshotExport s : snapshots) {
            for (Data d : s.snapshot().data()) {
                String group = s.options().exporterPrefix() + d.metric().name();
                groups.add(group);
                if (d.histogram() != null) {
                    histogramGroups.add(group);
                }
            }
        }
        TextFormatParser.Document doc = TextFormatParser.parse(write(snapshots));
        var finished = new HashSet<String>();
        String current = null;
        for (TextFormatParser.Sample sample : doc.samples()) {
            String group = groupOf(sample.name(), groups, histogramGroups);
            if (!group.equals(current)) {
                assertTrue(finished.add(group), "group " + group + " is split");
                if (current != null) {
                    assertTrue(GoText.compareBytewise(current, group) < 0, current + " before " + group);
                }
                current = group;
            }
        }
    }

    private static String groupOf(String name, Set<String> groups, Set<String> histogramGroups) {
        for (String suffix : List.of("_bucket", "_sum", "_count", "_min", "_max", "_ssd")) {
            if (name.endsWith(suffix) && histogramGroups.contains(name.substring(0, name.length() - suffix.length()))) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        assertTrue(groups.contains(name), name);
        return name;
    }

    @Property(tries = 300)
    void writesHelpAndTypeOncePerUnprefixedName(@ForAll("snapshots") List<SnapshotExport> snapshots) throws IOException {
        TextFormatParser.Document doc = TextFormatParser.parse(write(snapshots));
        // The parser already refuses a second TYPE or HELP for one name; across prefixes the
        // preamble comes once per unprefixed name, from the first point written under it.
        Map<String, String> typeByUnprefixed = new HashMap<>();
        for (String typed : doc.typeOrder()) {
            String unprefixed = NAMES.keySet().stream().filter(typed::endsWith)
                    .filter(n -> PREFIXES.contains(typed.substring(0, typed.length() - n.length())))
                    .findFirst().orElseThrow();
            assertEquals(null, typeByUnprefixed.put(unprefixed, typed), "second preamble for " + unprefixed);
        }
        Set<String> names = new HashSet<>();
        snapshots.forEach(s -> s.snapshot().data().forEach(d -> names.add(d.metric().name())));
        assertEquals(names.size(), doc.typeOrder().size());
        doc.help().keySet().forEach(h -> assertTrue(doc.types().containsKey(h), h));
    }

    @Property(tries = 100)
    void writingTwiceWithOneWriterGivesTheSameBytes(@ForAll("snapshots") List<SnapshotExport> snapshots) throws IOException {
        var writer = new ExpositionWriter();
        var first = new ByteArrayOutputStream();
        var second = new ByteArrayOutputStream();
        writer.write(first, ExportOptions.DEFAULT, snapshots);
        writer.write(second, ExportOptions.DEFAULT, snapshots);
        assertEquals(first.toString(StandardCharsets.UTF_8), second.toString(StandardCharsets.UTF_8));
    }
}
