// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.bench;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import runsc.metrics.exposition.Data;
import runsc.metrics.exposition.LabeledSnapshot;
import runsc.metrics.exposition.Metric;
import runsc.metrics.exposition.MetricType;
import runsc.metrics.exposition.NumberValue;
import runsc.metrics.exposition.PrefixAndLabels;
import runsc.metrics.exposition.Snapshot;

/**
 * A synthetic scrape shaped like a real one: the 174 metrics that gVisor runsc 0.0~20240729
 * registers (read from the captured {@code metric-metadata} sample, so names and HELP texts have
 * real lengths), one series each per sandbox (metrics with a field get one field value), and the
 * four labels the metric server adds per sandbox. Values are seeded pseudo-random integers, as
 * gVisor's metrics are uint64 counters and gauges.
 */
final class ScrapeData {
    static final Path METADATA = Path.of("test/resources/samples/real-metric-metadata.txt");
    static final String PREFIX = "runsc_";

    /** One registered-like metric: prefix-less name, HELP, counter or gauge, field (or null). */
    record Registered(String name, String help, boolean cumulative, String fieldName, String fieldValue) {}

    final List<Registered> metrics;
    final List<LabeledSnapshot> snapshots;
    final int series;

    private ScrapeData(List<Registered> metrics, List<LabeledSnapshot> snapshots, int series) {
        this.metrics = metrics;
        this.snapshots = snapshots;
        this.series = series;
    }

    static ScrapeData build(int sandboxes) throws IOException {
        List<Registered> metrics = parseMetadata(Files.readAllLines(METADATA));
        Instant when = Instant.parse("2026-11-25T03:37:30.734827787Z");
        SplittableRandom random = new SplittableRandom(42);
        List<LabeledSnapshot> snapshots = new ArrayList<>();
        int series = 0;
        for (int s = 0; s < sandboxes; s++) {
            List<Data> data = new ArrayList<>(metrics.size());
            for (Registered r : metrics) {
                Metric metric = new Metric(r.name(), r.cumulative() ? MetricType.COUNTER : MetricType.GAUGE, r.help());
                Map<String, String> labels = r.fieldName() == null ? Map.of() : Map.of(r.fieldName(), r.fieldValue());
                long value = random.nextInt(8) == 0 ? 0 : random.nextLong(1L << random.nextInt(1, 40));
                data.add(Data.ofNumber(metric, labels, NumberValue.ofInt(value)));
            }
            series += data.size();
            // Sorted by sandbox ID, as the server passes them; extra labels as the server derives them.
            String id = String.format("sandbox-%04d-%s", s, Long.toHexString(random.nextLong() >>> 16));
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("iteration", Long.toString(random.nextLong() >>> 1, 36));
            extra.put("namespace_name", "namespace-" + (s % 7));
            extra.put("pod_name", "pod-" + s + "-" + Integer.toHexString(random.nextInt()));
            extra.put("sandbox", id);
            snapshots.add(new LabeledSnapshot(new Snapshot(when, data), new PrefixAndLabels(PREFIX, extra)));
        }
        return new ScrapeData(List.copyOf(metrics), List.copyOf(snapshots), series);
    }

    /**
     * The same data in client_java's model: one family per metric with one data point per
     * sandbox, labels merged (client_java sorts them, as ours does), millisecond scrape timestamps.
     * client_java appends {@code _total} to counter names and strips reserved suffixes such as
     * {@code _created}; the line count and label text are the same.
     */
    MetricSnapshots toClientJava() {
        long millis = snapshots.getFirst().snapshot().when().toEpochMilli();
        List<MetricSnapshot> families = new ArrayList<>();
        for (int m = 0; m < metrics.size(); m++) {
            Registered r = metrics.get(m);
            // client_java refuses reserved suffixes (runsc_trace_sessions_created) unless sanitized.
            String name = PrometheusNaming.sanitizeMetricName(PREFIX + r.name());
            CounterSnapshot.Builder counter = CounterSnapshot.builder().name(name).help(r.help());
            GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(name).help(r.help());
            for (LabeledSnapshot e : snapshots) {
                Data d = e.snapshot().data().get(m);
                Map<String, String> all = new TreeMap<>(e.options().extraLabels());
                all.putAll(d.labels());
                String[] names = all.keySet().toArray(String[]::new);
                String[] values = all.values().toArray(String[]::new);
                Labels labels = Labels.of(names, values);
                double value = ((NumberValue.IntValue) d.number()).value();
                if (r.cumulative()) {
                    counter.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                            .labels(labels).value(value).scrapeTimestampMillis(millis).build());
                } else {
                    gauge.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                            .labels(labels).value(value).scrapeTimestampMillis(millis).build());
                }
            }
            families.add(r.cumulative() ? counter.build() : gauge.build());
        }
        return new MetricSnapshots(families);
    }

    /** Reads the text-proto {@code metric-metadata} listing: top-level {@code metrics: { ... }} blocks. */
    static List<Registered> parseMetadata(List<String> lines) {
        List<Registered> out = new ArrayList<>();
        String name = null;
        String help = "";
        boolean cumulative = false;
        String fieldName = null;
        String fieldValue = null;
        boolean inMetric = false;
        for (String line : lines) {
            if (line.equals("metrics: {")) {
                inMetric = true;
                name = null;
                help = "";
                cumulative = false;
                fieldName = null;
                fieldValue = null;
            } else if (inMetric && line.equals("}")) {
                out.add(new Registered(name, help, cumulative, fieldName, fieldValue));
                inMetric = false;
            } else if (inMetric) {
                String t = line.strip();
                if (t.startsWith("prometheus_name: ")) {
                    name = unquote(t.substring("prometheus_name: ".length()));
                } else if (t.startsWith("description: ")) {
                    help = unquote(t.substring("description: ".length()));
                } else if (t.equals("cumulative: true")) {
                    cumulative = true;
                } else if (t.startsWith("field_name: ")) {
                    fieldName = unquote(t.substring("field_name: ".length()));
                } else if (t.startsWith("allowed_values: ") && fieldValue == null) {
                    fieldValue = unquote(t.substring("allowed_values: ".length()));
                }
            }
        }
        return out;
    }

    private static String unquote(String s) {
        return s.substring(1, s.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }
}
