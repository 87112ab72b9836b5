// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import runsc.metrics.exposition.Bucket;
import runsc.metrics.exposition.Data;
import runsc.metrics.exposition.Histogram;
import runsc.metrics.exposition.Metric;
import runsc.metrics.exposition.MetricField;
import runsc.metrics.exposition.MetricRegistration;
import runsc.metrics.exposition.MetricType;
import runsc.metrics.exposition.NumberValue;
import runsc.metrics.exposition.RegisteredMetric;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.exposition.ValueType;

/**
 * The simulator's own metric catalogue and its values: gVisor-style counters and gauges, two
 * metrics with a field, optionally one histogram, and optional filler counters. Each {@link #next} call moves
 * the values on (counters grow, gauges wander) and returns a snapshot in registration order, with
 * zero counters and empty histograms left out and gauges always present, as a real sandbox does.
 * Not thread-safe: a sandbox calls it under its own lock.
 */
final class SimMetrics {

    /** The histogram's registered lower bounds, in nanoseconds (bucket i's upper bound is bound i). */
    static final List<Long> LATENCY_BOUNDS = List.of(0L, 1_000L, 10_000L, 100_000L, 1_000_000L);
    /** Allowed values of {@code unimplemented_syscalls{sysno}}: "0".."99" and "-1". */
    static final List<String> SYSNO_VALUES;
    /** Allowed values of {@code suspicious_operations{operation_type}}. */
    static final List<String> OPERATION_TYPES =
            List.of("opened_write_execute_file", "mapped_write_execute_memory", "ptrace_attach_self");
    static final String REGRESSING_COUNTER = "fs_opens";

    static {
        List<String> sysno = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sysno.add(Integer.toString(i));
        }
        sysno.add("-1");
        SYSNO_VALUES = List.copyOf(sysno);
    }

    private static final String LATENCY = "fs_read_latency_nanoseconds";

    private final SplittableRandom random;
    private final boolean regress;
    private final boolean histogram;
    private final List<RegisteredMetric> registered = new ArrayList<>();
    // Current value per metric name and label set, in registration order.
    private final Map<String, Map<Map<String, String>, Long>> values = new LinkedHashMap<>();
    private final long[] latencyBuckets = new long[LATENCY_BOUNDS.size() + 1];
    private long latencyCount;
    private long latencyTotal;
    private long latencyMin;
    private long latencyMax;
    private double latencyMean;
    private double latencySsd;
    private long calls;

    /**
     * A catalogue with {@code fillerSeries} filler counters; with {@code histogram}, also a registered
     * and sampled histogram, which real gVisor 20240729 does not have and Go clients cannot decode
     * (its last bucket bound is infinite).
     */
    SimMetrics(int fillerSeries, long seed, boolean regress, boolean histogram) {
        this.histogram = histogram;
        if (fillerSeries < 0) {
            throw new IllegalArgumentException("filler series must be >= 0, was " + fillerSeries);
        }
        this.random = new SplittableRandom(seed);
        this.regress = regress;
        counter("/fs/opens", "fs_opens", "Files opened inside the sandbox.", 10);
        counter("/fs/reads", "fs_reads", "Read calls on files inside the sandbox.", 12);
        counter("/fs/writes", "fs_writes", "Write calls on files inside the sandbox.", 3);
        counter("/gofer/opens_host", "gofer_opens_host",
                "Files opened through the gofer that came with a host file descriptor.", 7);
        gauge("/netstack/tcp/current_open", "netstack_tcp_current_open",
                "TCP connections open right now (any connected state).");
        gauge("/netstack/tcp/current_established", "netstack_tcp_current_established",
                "TCP connections in the ESTABLISHED state right now.");
        registered.add(new RegisteredMetric("/unimplemented_syscalls", "unimplemented_syscalls",
                "Calls the application made to system calls the sandbox does not implement, by number.",
                true, ValueType.UINT64, List.of(new MetricField("sysno", SYSNO_VALUES)), List.of()));
        values.put("unimplemented_syscalls", new LinkedHashMap<>(Map.of(Map.of("sysno", "63"), 1L)));
        registered.add(new RegisteredMetric("/suspicious_operations", "suspicious_operations",
                "Operations that look like an attempt to escape or probe the sandbox, by kind.",
                true, ValueType.UINT64, List.of(new MetricField("operation_type", OPERATION_TYPES)), List.of()));
        values.put("suspicious_operations", new LinkedHashMap<>(Map.of(Map.of("operation_type", OPERATION_TYPES.get(0)), 0L)));
        if (histogram) {
            registered.add(new RegisteredMetric("/fs/read_latency", LATENCY,
                    "Time taken by file reads, in nanoseconds.", false, ValueType.DISTRIBUTION, List.of(), LATENCY_BOUNDS));
        }
        for (int i = 0; i < fillerSeries; i++) {
            String name = String.format("sim_filler_%03d", i);
            counter("/sim/filler_" + String.format("%03d", i), name, "Filler counter number " + i
                    + " of the simulator, so that a benchmark can ask for many series.", i + 1);
        }
    }

    MetricRegistration registration() {
        return new MetricRegistration(registered,
                List.of("restore_config", "exec_config", "restore", "create_process", "task_start"));
    }

    /** Whether the metric was registered with {@code sync} (only one is, as in a real sandbox). */
    static boolean sync(RegisteredMetric m) {
        return m.prometheusName().equals("unimplemented_syscalls");
    }

    /** Moves every value on and returns the snapshot of the metrics whose name {@code filter} accepts. */
    Snapshot next(Instant when, Predicate<String> filter) {
        advance();
        calls++;
        List<Data> data = new ArrayList<>();
        for (RegisteredMetric m : registered) {
            if (!filter.test(m.prometheusName())) {
                continue;
            }
            Metric metric = new Metric(m.prometheusName(), type(m), m.description());
            if (m.type().orElseThrow() == ValueType.DISTRIBUTION) {
                if (latencyCount > 0) {
                    data.add(Data.ofHistogram(metric, Map.of(), histogram()));
                }
                continue;
            }
            for (var series : values.get(m.prometheusName()).entrySet()) {
                if (m.cumulative() && series.getValue() == 0) {
                    continue;
                }
                data.add(Data.ofNumber(metric, series.getKey(), NumberValue.ofInt(series.getValue())));
            }
        }
        return new Snapshot(when, data);
    }

    private static MetricType type(RegisteredMetric m) {
        if (m.type().orElseThrow() == ValueType.DISTRIBUTION) {
            return MetricType.HISTOGRAM;
        }
        return m.cumulative() ? MetricType.COUNTER : MetricType.GAUGE;
    }

    private void advance() {
        for (RegisteredMetric m : registered) {
            Map<Map<String, String>, Long> series = values.get(m.prometheusName());
            if (series == null) {
                continue;
            }
            for (var e : series.entrySet()) {
                long v = e.getValue();
                if (!m.cumulative()) {
                    e.setValue((long) random.nextInt(6));
                } else if (regress && calls > 0 && m.prometheusName().equals(REGRESSING_COUNTER)) {
                    e.setValue(Math.max(0, v - 1 - random.nextInt(3)));
                } else if (calls > 0) {
                    e.setValue(v + 1 + random.nextInt(3));
                }
            }
        }
        // Gauges must agree with each other: established connections are a subset of open ones.
        Map<Map<String, String>, Long> open = values.get("netstack_tcp_current_open");
        Map<Map<String, String>, Long> established = values.get("netstack_tcp_current_established");
        established.replaceAll((k, v) -> Math.min(v, open.get(Map.<String, String>of())));
        int samples = histogram ? 1 + random.nextInt(3) : 0;
        for (int i = 0; i < samples; i++) {
            sample(200 + random.nextLong(2_000_000));
        }
    }

    private void sample(long nanos) {
        int bucket = 0;
        while (bucket < LATENCY_BOUNDS.size() && nanos >= LATENCY_BOUNDS.get(bucket)) {
            bucket++;
        }
        latencyBuckets[bucket]++;
        latencyCount++;
        latencyTotal += nanos;
        latencyMin = latencyCount == 1 ? nanos : Math.min(latencyMin, nanos);
        latencyMax = Math.max(latencyMax, nanos);
        // Welford's update keeps the sum of squared deviations exact enough without storing samples.
        double delta = nanos - latencyMean;
        latencyMean += delta / latencyCount;
        latencySsd += delta * (nanos - latencyMean);
    }

    private Histogram histogram() {
        List<Bucket> buckets = new ArrayList<>(latencyBuckets.length);
        for (int i = 0; i < latencyBuckets.length; i++) {
            NumberValue bound = i < LATENCY_BOUNDS.size() ? NumberValue.ofInt(LATENCY_BOUNDS.get(i))
                    : NumberValue.ofFloat(Double.POSITIVE_INFINITY);
            buckets.add(new Bucket(bound, latencyBuckets[i]));
        }
        return new Histogram(NumberValue.ofInt(latencyTotal), NumberValue.ofInt(latencyMin),
                NumberValue.ofInt(latencyMax), NumberValue.ofFloat(latencySsd), buckets);
    }

    private void counter(String path, String name, String help, long start) {
        registered.add(new RegisteredMetric(path, name, help, true, ValueType.UINT64, List.of(), List.of()));
        values.put(name, new LinkedHashMap<>(Map.of(Map.of(), start)));
    }

    private void gauge(String path, String name, String help) {
        registered.add(new RegisteredMetric(path, name, help, false, ValueType.UINT64, List.of(), List.of()));
        values.put(name, new LinkedHashMap<>(Map.of(Map.of(), 0L)));
    }
}
