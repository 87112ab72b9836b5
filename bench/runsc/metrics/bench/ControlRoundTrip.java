// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import runsc.metrics.control.ControlClient;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.sim.SandboxOptions;
import runsc.metrics.sim.Simulation;
import runsc.metrics.testing.RealRoot;
import runsc.metrics.testing.RealSandbox;
import runsc.metrics.testing.SandboxSpec;

/**
 * Issue 3: latency of one {@code Metrics.Export} round trip with {@link ControlClient} in a warm
 * JVM, against one simulated sandbox and (with {@code real}) one real gVisor sandbox.
 * Args: {@code sim} and/or {@code real}; ITERATIONS via -Dbench.iterations (default 3000).
 */
public final class ControlRoundTrip {
    private ControlRoundTrip() {}

    public static void main(String[] args) throws Exception {
        int iterations = Integer.getInteger("bench.iterations", 3000);
        List<String> targets = List.of(args);
        System.out.println("# Metrics.Export round trip, ControlClient.exportMetrics, warm JVM, "
                + iterations + " timed calls after " + iterations / 3 + " warm-up calls");
        System.out.println("# " + Stats.loadAverage());
        if (targets.contains("sim")) {
            Path dir = Files.createTempDirectory(Path.of("/tmp"), "rb");
            try (Simulation sim = Simulation.start(dir.resolve("root"),
                    Simulation.options(1, "sim-", "", "bench", 0, Map.of()).stream()
                            .map(SandboxOptions::withHistogram).toList())) {
                var sb = sim.sandboxes().getFirst();
                measure("simulator", sb.id(), sb.recorded().socketPath(), iterations);
            } finally {
                deleteTree(dir);
            }
        }
        if (targets.contains("real")) {
            try (RealRoot root = RealRoot.create()) {
                RealSandbox sb = root.start(SandboxSpec.pod("bench1", "web-0", "prod"));
                measure("real sandbox", sb.id(), sb.controlSocket(), iterations);
            }
        }
    }

    private static void measure(String what, String id, Path socket, int iterations) throws Exception {
        ControlClient client = new ControlClient();
        int points = 0;
        for (int i = 0; i < iterations / 3; i++) {
            Snapshot s = client.exportMetrics(id, socket, "", System.nanoTime() + 5_000_000_000L);
            points = s.data().size();
        }
        long[] t = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            client.exportMetrics(id, socket, "", t0 + 5_000_000_000L);
            t[i] = System.nanoTime() - t0;
        }
        System.out.printf("%-13s %d data points  median %s  p90 %s  p99 %s%n", what, points,
                Stats.ms(Stats.medianMillis(t)), Stats.ms(Stats.percentileMillis(t, 90)),
                Stats.ms(Stats.percentileMillis(t, 99)));
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
