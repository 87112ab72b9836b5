// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import runsc.metrics.testing.ProjectFiles;

/**
 * Rebuilds the full {@code /metrics} response of the upstream Go metric server (four snapshots:
 * the server's own metrics with a monotonic reading, two sandboxes, the process start time) from
 * the values it shows, and compares the bytes.
 */
class UpstreamServerOutputTest {
    static final Path SAMPLE = ProjectFiles.sample("upstream-metric-server-output.txt");
    static final Pattern SUMMARY = Pattern.compile(
            "#   - Snapshot with (\\d+) data points taken at (\\S+ \\S+) \\+0000 UTC(?: m=\\+(\\d+)\\.(\\d{9}))?: map\\[(.*)]");
    static final List<String> PREFIXES = List.of("runsc_meta_", "runsc_", "runsc_", "");

    @Test
    void rebuildsTheUpstreamServerResponseByteForByte() throws IOException {
        String expected = Files.readString(SAMPLE, StandardCharsets.UTF_8);
        String[] lines = expected.split("\n");
        String header = lines[0].substring(2);
        var counts = new ArrayList<Integer>();
        var snapshots = new ArrayList<Snapshot>();
        var extra = new ArrayList<Map<String, String>>();
        for (int i = 2; i < 6; i++) {
            Matcher m = SUMMARY.matcher(lines[i]);
            assertTrue(m.matches(), lines[i]);
            counts.add(Integer.parseInt(m.group(1)));
            var when = LocalDateTime.parse(m.group(2).replace(' ', 'T')).toInstant(ZoneOffset.UTC);
            OptionalLong monotonic = m.group(3) == null ? OptionalLong.empty()
                    : OptionalLong.of(Long.parseLong(m.group(3)) * 1_000_000_000L + Long.parseLong(m.group(4)));
            snapshots.add(new Snapshot(when, List.of(), ZoneOffset.UTC, monotonic));
            var labels = new LinkedHashMap<String, String>();
            for (String entry : m.group(5).isEmpty() ? new String[0] : m.group(5).split(" ")) {
                labels.put(entry.substring(0, entry.indexOf(':')), entry.substring(entry.indexOf(':') + 1));
            }
            extra.add(labels);
        }

        TextFormatParser.Document doc = TextFormatParser.parse(expected);
        var data = new ArrayList<List<Data>>(List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
        for (TextFormatParser.Sample sample : doc.samples()) {
            int s = sample.name().equals("process_start_time_seconds") ? 3
                    : sample.name().startsWith("runsc_meta_") ? 0
                    : "sbA".equals(sample.labels().get("sandbox")) ? 1 : 2;
            var labels = new LinkedHashMap<>(sample.labels());
            labels.keySet().removeAll(extra.get(s).keySet());
            var metric = new Metric(sample.name().substring(PREFIXES.get(s).length()),
                    switch (doc.types().get(sample.name())) {
                        case "gauge" -> MetricType.GAUGE;
                        case "counter" -> MetricType.COUNTER;
                        default -> throw new AssertionError(sample.name());
                    }, doc.help().get(sample.name()));
            NumberValue value = sample.value().contains(".") ? NumberValue.ofFloat(Double.parseDouble(sample.value()))
                    : NumberValue.ofInt(Long.parseLong(sample.value()));
            data.get(s).add(Data.ofNumber(metric, labels, value));
            assertEquals(Long.toString(snapshots.get(s).when().toEpochMilli()), sample.timestamp());
        }
        var exports = new ArrayList<LabeledSnapshot>();
        for (int s = 0; s < 4; s++) {
            assertEquals(counts.get(s), data.get(s).size());
            Snapshot base = snapshots.get(s);
            exports.add(new LabeledSnapshot(new Snapshot(base.when(), data.get(s), base.zone(), base.monotonicNanos()),
                    new PrefixAndLabels(PREFIXES.get(s), extra.get(s))));
        }

        var out = new ByteArrayOutputStream();
        long n = new ExpositionWriter().write(out, new WriteOptions(header, true), exports);
        assertEquals(expected, out.toString(StandardCharsets.UTF_8));
        assertEquals(expected.getBytes(StandardCharsets.UTF_8).length, n);
    }
}
