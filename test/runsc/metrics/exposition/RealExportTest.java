// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import runsc.metrics.json.Json;
import runsc.metrics.json.JsonObject;
import runsc.metrics.testing.ProjectFiles;

/** Rebuilds the real {@code runsc export-metrics sb1} output from the real state file. */
class RealExportTest {
    static final Path STATE = ProjectFiles.sample("real-state-sb1.json");
    static final Path EXPORT = ProjectFiles.sample("real-export-metrics-sb1.txt");
    static final Instant WHEN = Instant.parse("2026-11-25T03:37:30.734827787Z");

    static MetricRegistration registration() throws IOException {
        JsonObject state = (JsonObject) Json.parse(Files.readAllBytes(STATE));
        return MetricRegistration.fromJson(((JsonObject) state.get("sandbox")).get("registeredMetrics"));
    }

    /** The values visible in the real output, in a scrambled order as a sandbox sends them. */
    static Snapshot snapshot(MetricRegistration registration) {
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("unimplemented_syscalls", 1L);
        values.put("netstack_tcp_current_open", 0L);
        values.put("gofer_reads_host", 12L);
        values.put("fs_reads", 12L);
        values.put("netstack_tcp_current_established", 0L);
        values.put("fs_opens", 10L);
        values.put("gofer_opens_host", 7L);
        var data = new ArrayList<Data>();
        values.forEach((name, value) -> {
            RegisteredMetric m = registration.metrics().stream()
                    .filter(r -> r.prometheusName().equals(name)).findFirst().orElseThrow();
            var metric = new Metric(name, m.cumulative() ? MetricType.COUNTER : MetricType.GAUGE, m.description());
            Map<String, String> labels = m.fields().isEmpty() ? Map.of() : Map.of("sysno", "334");
            data.add(Data.ofNumber(metric, labels, NumberValue.ofInt(value)));
        });
        return new Snapshot(WHEN, data);
    }

    static PrefixAndLabels identity() {
        var labels = new LinkedHashMap<String, String>();
        labels.put("sandbox", "sb1");
        labels.put("iteration", "3mn9hmjm16dyk");
        labels.put("pod_name", "web-0");
        labels.put("namespace_name", "prod");
        return new PrefixAndLabels("runsc_", labels);
    }

    @Test
    void rebuildsTheRealExportByteForByte() throws IOException {
        String real = Files.readString(EXPORT, StandardCharsets.UTF_8);
        String wrote = "Wrote 1907 bytes of Prometheus metric data to stdout\n";
        assertTrue(real.endsWith(wrote));
        String expected = real.substring(0, real.length() - wrote.length());

        var out = new ByteArrayOutputStream();
        long n = new ExpositionWriter().write(out, new WriteOptions("Command-line export for sandbox sb1", true),
                List.of(new LabeledSnapshot(snapshot(registration()), identity())));
        assertEquals(expected, out.toString(StandardCharsets.UTF_8));
        assertEquals(1907, n);
    }

    @Test
    void theRealSnapshotPassesTheVerifierBuiltFromTheRealRegistration() throws IOException {
        MetricRegistration registration = registration();
        assertEquals(174, registration.metrics().size());
        var verifier = Verifier.create(registration, Clock.fixed(WHEN.plusSeconds(1), ZoneOffset.UTC));
        verifier.verify(snapshot(registration));
    }
}
