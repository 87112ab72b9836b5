// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import runsc.metrics.sim.SandboxOptions;
import runsc.metrics.sim.Simulation;

/**
 * Issue 15: the cost of {@code --resource-stats}, on {@code runsc-metrics simulate} sandboxes
 * (which real {@code runsc events --stats} reads as it reads a real sandbox).
 *
 * <p>CPU (bench.cpuSizes, 20,100; sandboxes simulated in this JVM): CPU-seconds (user+sys) to collect every sandbox's stats once,
 * via one scrape of {@code metric-server --resource-stats} (the server's CPU over bench.scrapes
 * scrapes after bench.warmup, divided by their number; the whole scrape, metrics included, and the
 * share of the stats: the same without the flag subtracted), against one
 * {@code runsc events --stats ID} process per sandbox, one after the other (their CPU as the
 * shell's {@code times} reports it for its children).
 *
 * <p>Scrape (bench.sizes, 10,100,1000): median latency and body bytes of {@code GET /metrics}
 * without the flag and with it, each after bench.warmup untimed scrapes, and the server's peak RSS.
 *
 * <p>bench.runsc names the runsc binary (build/runsc/usr/bin/runsc).
 */
public final class StatsCost {
    private StatsCost() {}

    private static final Path IMAGE = ScrapeLatency.IMAGE;
    private static final Path RUNSC = Path.of(System.getProperty("bench.runsc", "build/runsc/usr/bin/runsc"));
    private static final int SCRAPES = Integer.getInteger("bench.scrapes", 20);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 50);

    public static void main(String[] args) throws Exception {
        System.out.println("# " + Stats.loadAverage());
        long tick = clockTick();
        for (int n : sizes("bench.cpuSizes", "20,100")) {
            cpu(n, tick);
        }
        for (int n : sizes("bench.sizes", "10,100,1000")) {
            scrape(n);
        }
        System.out.println("# " + Stats.loadAverage());
    }

    private static List<Integer> sizes(String property, String defaults) {
        List<Integer> out = new ArrayList<>();
        for (String s : System.getProperty(property, defaults).split(",")) {
            if (!s.isBlank()) {
                out.add(Integer.parseInt(s.strip()));
            }
        }
        return out;
    }

    private static void cpu(int n, long tick) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "sc");
        Path root = dir.resolve("root");
        String address = "127.0.0.1:" + freePort();
        // Fixed-width IDs: runsc refuses an ID that is a prefix of another (sim-1 of sim-10) as ambiguous.
        List<SandboxOptions> options = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            options.add(SandboxOptions.of(String.format("sb-%04d", i), address).withSeed(i));
        }
        try (Simulation sim = Simulation.start(root, options)) {
            double plain = scrapeCpu(root, address, n, tick, false);
            double ours = scrapeCpu(root, address, n, tick, true);
            StringBuilder loop = new StringBuilder("for i in $(seq -f 'sb-%04g' 1 " + n + "); do '" + RUNSC + "' --root='"
                    + root + "' events --stats $i > /dev/null || exit 1; done; times");
            Process p = new ProcessBuilder("bash", "-c", loop.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("runsc events --stats loop failed: " + out);
            }
            // times: the shell's own user and sys, then its children's: "0m0.060s 0m0.018s".
            String[] children = out.strip().lines().toList().getLast().split(" ");
            double theirs = seconds(children[0]) + seconds(children[1]);
            double marginal = Math.max(ours - plain, 1e-6);
            System.out.printf("%4d sandboxes  CPU-seconds per scrape (mean of %d after %d warm-up): with --resource-stats"
                            + " %.4f s, without %.4f s, so the stats cost %.4f s;  %d runsc events --stats processes"
                            + " %.3f s;  ratio %.0fx (whole scrape) / %.0fx (stats' share)%n",
                    sim.sandboxes().size(), SCRAPES, WARMUP, ours, plain, ours - plain, n, theirs, theirs / ours,
                    theirs / marginal);
        } finally {
            ControlRoundTrip.deleteTree(dir);
        }
    }

    /** The server's CPU-seconds per warm scrape, with or without --resource-stats. */
    private static double scrapeCpu(Path root, String address, int n, long tick, boolean stats) throws Exception {
        List<String> args = new ArrayList<>(List.of("--root=" + root, "--metric-server=" + address, "metric-server"));
        if (stats) {
            args.add("--resource-stats");
        }
        try (Launched server = Launched.start(IMAGE, "", args)) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            if (stats) {
                awaitStats(client, address, n);
            } else {
                awaitMetrics(client, address, n);
            }
            for (int i = 0; i < WARMUP; i++) {
                ScrapeLatency.get(client, address);
            }
            // Let the JIT finish compiling what the warm-up queued, so that its threads' CPU is not counted.
            Thread.sleep(2000);
            long before = cpuTicks(server.pid());
            for (int i = 0; i < SCRAPES; i++) {
                ScrapeLatency.get(client, address);
            }
            return (double) (cpuTicks(server.pid()) - before) / tick / SCRAPES;
        }
    }

    private static void scrape(int n) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "sc");
        Path root = dir.resolve("root");
        String address = "127.0.0.1:" + freePort();
        try (Launched sim = Launched.start(IMAGE, "", List.of("--root=" + root, "--metric-server=" + address,
                "simulate", "--sandboxes=" + n, "--namespace=bench"))) {
            sim.awaitLine("simulating", 300);
            String[] results = new String[2];
            for (int withStats = 0; withStats < 2; withStats++) {
                List<String> args = new ArrayList<>(List.of("--root=" + root, "--metric-server=" + address, "metric-server"));
                if (withStats == 1) {
                    args.add("--resource-stats");
                }
                try (Launched server = Launched.start(IMAGE, "", args)) {
                    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofSeconds(10)).build();
                    String body = withStats == 1 ? awaitStats(client, address, n) : awaitMetrics(client, address, n);
                    for (int i = 0; i < WARMUP; i++) {
                        ScrapeLatency.get(client, address);
                    }
                    List<Long> samples = new ArrayList<>();
                    for (int i = 0; i < SCRAPES; i++) {
                        long t0 = System.nanoTime();
                        ScrapeLatency.get(client, address);
                        samples.add(System.nanoTime() - t0);
                    }
                    results[withStats] = String.format("p50 %s, %d bytes, server VmHWM %s",
                            Stats.ms(Stats.medianMillis(samples)), body.getBytes(StandardCharsets.UTF_8).length,
                            Stats.mib(Stats.statusKib(server.pid(), "VmHWM")));
                }
            }
            System.out.printf("%4d sandboxes  GET /metrics without --resource-stats: %s  with: %s%n", n, results[0], results[1]);
        } finally {
            ControlRoundTrip.deleteTree(dir);
        }
    }

    private static String awaitMetrics(HttpClient client, String address, int n) throws Exception {
        return await(client, address, n, "runsc_meta_sandbox_metadata{");
    }

    private static String awaitStats(HttpClient client, String address, int n) throws Exception {
        return await(client, address, n, "runsc_container_pids_current{");
    }

    /** Polls until the body has {@code n} lines starting with {@code prefix}. */
    private static String await(HttpClient client, String address, int n, String prefix) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = ScrapeLatency.get(client, address);
                if (last.lines().filter(l -> l.startsWith(prefix)).count() >= n) {
                    return last;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new IOException("the server at " + address + " did not serve " + n + " sandboxes within 300 s");
    }

    /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long clockTick() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        p.waitFor();
        return Long.parseLong(out);
    }

    /** bash's {@code times} figure, such as {@code 1m2.500s}, in seconds. */
    private static double seconds(String times) {
        int m = times.indexOf('m');
        return Integer.parseInt(times.substring(0, m)) * 60 + Double.parseDouble(times.substring(m + 1, times.length() - 1));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
