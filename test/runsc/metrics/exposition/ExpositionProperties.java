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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import runsc.metrics.gotext.GoText;
import runsc.metrics.testing.Gen;
import runsc.metrics.testing.Property;

/**
 * Properties of the text writer over generated snapshots (label values with quotes, backslashes,
 * newlines and non-ASCII text including supplementary characters), checked against the strict
 * test-only {@link TextFormatParser}.
 */
class ExpositionProperties {
    /** Metric names and their types; the same name always has the same type. */
    static final Map<String, MetricType> NAMES = Map.of("alpha", MetricType.GAUGE, "beta", MetricType.COUNTER,
            "gamma", MetricType.HISTOGRAM, "b_delta", MetricType.UNTYPED, "_delta", MetricType.COUNTER,
            "zeta", MetricType.HISTOGRAM);
    static final String[] SORTED_NAMES = NAMES.keySet().stream().sorted().toArray(String[]::new);
    /** Prefixes chosen so that {@code a} + {@code _delta} and {@code a_} + {@code b_delta}... share groups. */
    static final String[] PREFIXES = {"", "runsc_", "runsc_meta_", "a", "a_"};
    static final String[] ATOMS = {"\"", "\\", "\n", "a", "Z", " ", "=", ",", "{", "}", "#", "\u00e9", "\u20ac",
        "\uE000", "\uFFFD", "\uD83D\uDE00", "\uD834\uDD1E", "\\n", "\\\"", "\t"};
    static final Instant T = Instant.parse("2023-01-02T03:04:05.678Z");
    static final int TRIES = 300;

    /** Label text made of the characters that need care, or any Unicode text. */
    static String labelValue(Gen gen) {
        if (gen.oneIn(3)) {
            return gen.anyString(10);
        }
        var sb = new StringBuilder();
        for (int i = gen.size(12); i > 0; i--) {
            sb.append(gen.oneOf(ATOMS));
        }
        return sb.toString();
    }

    static NumberValue number(Gen gen) {
        return switch (gen.intIn(0, 3)) {
            case 0, 1 -> NumberValue.ofInt(gen.anyLong());
            case 2 -> NumberValue.ofFloat(gen.anyFiniteDouble());
            default -> NumberValue.ofFloat(gen.oneOf(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY));
        };
    }

    static Histogram histogram(Gen gen) {
        var buckets = new ArrayList<Bucket>();
        int n = gen.intIn(1, 5);
        for (int i = 0; i < n; i++) {
            NumberValue bound = i == n - 1 ? NumberValue.ofFloat(Double.POSITIVE_INFINITY)
                    : i % 2 == 0 ? NumberValue.ofInt(i * 4L) : NumberValue.ofFloat(i * 4 + 0.5);
            buckets.add(new Bucket(bound, gen.oneIn(10) ? gen.anyLong() : gen.longIn(0, 1000)));
        }
        return new Histogram(number(gen), number(gen), number(gen), number(gen), buckets);
    }

    static Map<String, String> labels(Gen gen, int max, String... keys) {
        var labels = new LinkedHashMap<String, String>();
        for (int i = gen.size(max); i > 0; i--) {
            labels.put(gen.oneOf(keys), labelValue(gen));
        }
        return labels;
    }

    static Data point(Gen gen) {
        String name = gen.oneOf(SORTED_NAMES);
        MetricType type = NAMES.get(name);
        Metric metric = new Metric(name, type, gen.oneIn(3) ? "" : labelValue(gen));
        Map<String, String> labels = labels(gen, 4, "a", "b", "c", "z_9", "A");
        Map<String, String> external = labels(gen, 1, "ext", "x_ext");
        return type == MetricType.HISTOGRAM ? new Data(metric, labels, external, null, histogram(gen))
                : new Data(metric, labels, external, number(gen), null);
    }

    static List<LabeledSnapshot> snapshots(Gen gen) {
        var snapshots = new ArrayList<LabeledSnapshot>();
        for (int i = gen.intIn(1, 4); i > 0; i--) {
            var snapshot = new Snapshot(T.plusMillis(gen.longIn(-5_000, 5_000)), gen.listOf(8, ExpositionProperties::point));
            var options = new PrefixAndLabels(gen.oneOf(PREFIXES), labels(gen, 3, "sandbox", "pod_name", "iteration"));
            snapshots.add(new LabeledSnapshot(snapshot, options));
        }
        return snapshots;
    }

    static String write(List<LabeledSnapshot> snapshots) throws IOException {
        var out = new ByteArrayOutputStream();
        long n = new ExpositionWriter().write(out, WriteOptions.DEFAULT, snapshots);
        assertEquals(out.size(), n);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void outputParsesUnderTheTextFormatGrammar() {
        Property.forAll(TRIES, ExpositionProperties::snapshots, snapshots -> {
            TextFormatParser.Document doc = TextFormatParser.parse(write(snapshots));
            long lines = snapshots.stream().mapToLong(s -> s.snapshot().data().stream()
                    .mapToLong(d -> d.histogram() == null ? 1 : d.histogram().buckets().size() + 5).sum()).sum();
            assertEquals(lines, doc.samples().size());
        });
    }

    @Test
    void labelValuesAndHelpRoundTripThroughEscaping() {
        Property.forAll(TRIES, gen -> List.of(labelValue(gen), labelValue(gen)), values -> {
            String value = values.get(0);
            String help = values.get(1);
            var data = Data.ofNumber(new Metric("m", MetricType.GAUGE, help), Map.of("k", value), NumberValue.ofInt(1));
            var extra = new PrefixAndLabels("", Map.of("sandbox", value));
            TextFormatParser.Document doc = TextFormatParser.parse(
                    write(List.of(new LabeledSnapshot(new Snapshot(T, List.of(data)), extra))));
            assertEquals(Map.of("k", value, "sandbox", value), doc.samples().getFirst().labels());
            if (!help.isEmpty()) {
                assertEquals(help, doc.help().get("m"));
            }
        });
    }

    @Test
    void groupsAreSortedBytewiseAndContiguous() {
        Property.forAll(TRIES, ExpositionProperties::snapshots, snapshots -> {
            Set<String> groups = new HashSet<>();
            Set<String> histogramGroups = new HashSet<>();
            for (LabeledSnapshot s : snapshots) {
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
        });
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

    @Test
    void writesHelpAndTypeOncePerUnprefixedName() {
        Property.forAll(TRIES, ExpositionProperties::snapshots, snapshots -> {
            TextFormatParser.Document doc = TextFormatParser.parse(write(snapshots));
            // The parser refuses a second TYPE or HELP for one name; across prefixes the preamble
            // comes once per unprefixed name, from the first point written under it.
            Set<String> names = new HashSet<>();
            Map<String, String> firstPrefixed = new HashMap<>();
            for (LabeledSnapshot s : snapshots) {
                for (Data d : s.snapshot().data()) {
                    names.add(d.metric().name());
                }
            }
            for (String typed : doc.typeOrder()) {
                int matches = 0;
                for (LabeledSnapshot s : snapshots) {
                    String prefix = s.options().exporterPrefix();
                    if (typed.startsWith(prefix) && names.contains(typed.substring(prefix.length()))) {
                        matches++;
                        assertEquals(null, firstPrefixed.put(typed.substring(prefix.length()), typed),
                                "second preamble for " + typed.substring(prefix.length()));
                        break;
                    }
                }
                assertEquals(1, matches, typed);
            }
            assertEquals(names, firstPrefixed.keySet());
            doc.help().keySet().forEach(h -> assertTrue(doc.types().containsKey(h), h));
        });
    }

    @Test
    void writingTwiceWithOneWriterGivesTheSameBytes() {
        var writer = new ExpositionWriter();
        Property.forAll(100, ExpositionProperties::snapshots, snapshots -> {
            var first = new ByteArrayOutputStream();
            var second = new ByteArrayOutputStream();
            writer.write(first, WriteOptions.DEFAULT, snapshots);
            writer.write(second, WriteOptions.DEFAULT, snapshots);
            assertEquals(first.toString(StandardCharsets.UTF_8), second.toString(StandardCharsets.UTF_8));
        });
    }
}
