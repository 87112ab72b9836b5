// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import runsc.metrics.control.ControlClient;

/**
 * Issue 3: open file descriptors and resident memory of one {@code runsc-metrics simulate
 * --sandboxes=N} process (default 1000), read from /proc/PID once its sandboxes are up, and again
 * after every sandbox has answered one {@code Metrics.Export}. Args: N.
 */
public final class SimulatorScale {
    private SimulatorScale() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path image = Path.of(System.getProperty("bench.image", "build/image"));
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "sc");
        Path root = dir.resolve("root");
        try (Launched sim = Launched.start(image, System.getProperty("bench.javaOpts", ""),
                List.of("--root=" + root, "simulate", "--sandboxes=" + n, "--histogram"))) {
            long t0 = System.nanoTime();
            sim.awaitLine("simulating", 120);
            double startSeconds = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(2000);
            System.out.println("# simulate --sandboxes=" + n + ", pid " + sim.pid() + ", ready in "
                    + String.format(java.util.Locale.ROOT, "%.1f s", startSeconds));
            System.out.println("# " + Stats.loadAverage());
            report("idle", sim.pid());
            ControlClient client = new ControlClient();
            long calls = 0;
            for (int i = 1; i <= n; i++) {
                String id = "sim-" + i;
                client.exportMetrics(id, root.resolve("runsc-" + id + ".sock"), "", System.nanoTime() + 5_000_000_000L);
                calls++;
            }
            Thread.sleep(500);
            report("after " + calls + " exports", sim.pid());
        } finally {
            ControlRoundTrip.deleteTree(dir);
        }
    }

    private static void report(String when, long pid) throws Exception {
        System.out.printf("%-20s fds %d  VmRSS %s  VmHWM %s  threads %d%n", when, Stats.fds(pid),
                Stats.mib(Stats.statusKib(pid, "VmRSS")), Stats.mib(Stats.statusKib(pid, "VmHWM")),
                Stats.statusKib(pid, "Threads"));
    }
}
