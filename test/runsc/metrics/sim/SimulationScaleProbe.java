// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import runsc.metrics.control.ControlClient;

/**
 * Not a test: a small program that starts N simulated sandboxes in one process (default 1000, about
 * 50 series each), scrapes every one once with 8 calls in flight, and prints open file descriptors
 * and resident memory before, after start and after the scrape. Run from the repository root:
 * {@code java -cp build/classes:build/test-classes runsc.metrics.sim.SimulationScaleProbe [N]}.
 */
final class SimulationScaleProbe {
    private SimulationScaleProbe() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path root = Files.createTempDirectory(Path.of("/tmp"), "rm");
        report("baseline");
        long start = System.nanoTime();
        try (Simulation sim = Simulation.start(root, Simulation.options(n, "s", "/run/m.sock", "ns", 40, Map.of()))) {
            report("started " + n + " in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
            ControlClient client = new ControlClient();
            Semaphore inFlight = new Semaphore(8);
            for (int round = 1; round <= 3; round++) {
            long series = 0;
            start = System.nanoTime();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Integer>> calls = new ArrayList<>();
                for (SimulatedSandbox s : sim.sandboxes()) {
                    calls.add(pool.submit(() -> {
                        inFlight.acquire();
                        try {
                            return client.exportMetrics(s.id(), s.socketPath(), "", System.nanoTime()
                                    + TimeUnit.SECONDS.toNanos(8)).data().size();
                        } finally {
                            inFlight.release();
                        }
                    }));
                }
                for (Future<Integer> f : calls) {
                    series += f.get();
                }
            }
            report("round " + round + ": scraped " + series + " series in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
            }
            System.gc();
            report("after a full GC");
        }
        Files.delete(root);
    }

    private static void report(String what) throws IOException {
        long fds;
        try (var list = Files.list(Path.of("/proc/self/fd"))) {
            fds = list.count();
        }
        String rss = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).findFirst().orElse("VmRSS: ?").replaceAll("\\s+", " ");
        System.out.println(what + ": open fds " + fds + ", " + rss);
    }
}
