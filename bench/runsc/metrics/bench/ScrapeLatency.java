// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 5: latency of {@code GET /metrics} over TCP against {@code runsc-metrics metric-server}
 * serving {@code runsc-metrics simulate} sandboxes, with one scraper and with 8 concurrent
 * scrapers (each its own HTTP/1.1 keep-alive connection), and the server's resident memory idle
 * (empty root) and after serving each size. Properties: bench.sizes (10,100,1000), bench.series
 * (filler series per sandbox), bench.seconds (time budget per run, 20), bench.requests (most
 * requests per run, 300), bench.warmup (untimed scrapes first, 10), bench.javaOpts (RUNSC_METRICS_JAVA_OPTS for the metric server only).
 */
public final class ScrapeLatency {
    private ScrapeLatency() {}

    static final Path IMAGE = Path.of(System.getProperty("bench.image", "build/image"));
    static final int SERIES = Integer.getInteger("bench.series", 0);
    static final int SECONDS = Integer.getInteger("bench.seconds", 20);
    static final int REQUESTS = Integer.getInteger("bench.requests", 300);
    /** Scrapes before timing; more of them measure the JIT-compiled steady state. */
    static final int WARMUP = Integer.getInteger("bench.warmup", 10);
    static final String SERVER_OPTS = System.getProperty("bench.javaOpts", "");
    private static final AtomicInteger errors = new AtomicInteger();

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        for (String s : System.getProperty("bench.sizes", "10,100,1000").split(",")) {
            sizes.add(Integer.parseInt(s.strip()));
        }
        System.out.println("# GET /metrics over TCP, metric-server JVM options: "
                + (SERVER_OPTS.isEmpty() ? "(none)" : SERVER_OPTS) + "; simulate --series=" + SERIES
                + "; each run: up to " + REQUESTS + " requests or " + SECONDS + " s after " + WARMUP + " warm-up scrapes");
        System.out.println("# " + Stats.loadAverage());
        idle();
        for (int n : sizes) {
            size(n);
        }
        System.out.println("# " + Stats.loadAverage());
    }

    private static void idle() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "sl");
        Path root = Files.createDirectories(dir.resolve("root"));
        String address = "127.0.0.1:" + freePort();
        try (Launched server = Launched.start(IMAGE, SERVER_OPTS,
                List.of("--root=" + root, "--metric-server=" + address, "metric-server"))) {
            HttpClient client = client();
            awaitSandboxes(client, address, 0);
            for (int i = 0; i < 20; i++) {
                get(client, address);
            }
            Thread.sleep(500);
            System.out.printf("idle (0 sandboxes)      server VmRSS %s  VmHWM %s%n",
                    Stats.mib(Stats.statusKib(server.pid(), "VmRSS")), Stats.mib(Stats.statusKib(server.pid(), "VmHWM")));
        } finally {
            ControlRoundTrip.deleteTree(dir);
        }
    }

    private static void size(int n) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "sl");
        Path root = dir.resolve("root");
        String address = "127.0.0.1:" + freePort();
        try (Launched sim = Launched.start(IMAGE, "", List.of("--root=" + root, "--metric-server=" + address,
                "simulate", "--sandboxes=" + n, "--series=" + SERIES, "--namespace=bench", "--histogram"));
             Launched server = startServer(sim, root, address)) {
            HttpClient one = client();
            String body = awaitSandboxes(one, address, n);
            long perSandbox = body.lines().filter(l -> !l.startsWith("#") && l.contains("sandbox=\"sim-1\"")).count();
            for (int i = 0; i < WARMUP; i++) {
                get(one, address);
            }
            long[] single = run(List.of(one), address);
            int singleErrors = errors.get();
            List<HttpClient> eight = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                eight.add(client());
            }
            long[] concurrent = run(eight, address);
            System.out.printf("%4d sandboxes (%d series each, %d bytes)  1 scraper: p50 %s p99 %s (n=%d, failed %d)"
                            + "  8 scrapers: p50 %s p99 %s (n=%d, failed %d)  server VmRSS %s VmHWM %s%n",
                    n, perSandbox, body.length(),
                    pct(single, 50), pct(single, 99), single.length, singleErrors,
                    pct(concurrent, 50), pct(concurrent, 99), concurrent.length, errors.get(),
                    Stats.mib(Stats.statusKib(server.pid(), "VmRSS")), Stats.mib(Stats.statusKib(server.pid(), "VmHWM")));
        } finally {
            ControlRoundTrip.deleteTree(dir);
        }
    }

    private static Launched startServer(Launched sim, Path root, String address) throws Exception {
        sim.awaitLine("simulating", 120);
        return Launched.start(IMAGE, SERVER_OPTS, List.of("--root=" + root, "--metric-server=" + address, "metric-server"));
    }

    /** Scrapes with each client in its own thread until the request count or the time budget is used up. */
    private static long[] run(List<HttpClient> clients, String address) throws Exception {
        List<Long> samples = Collections.synchronizedList(new ArrayList<>());
        errors.set(0);
        long end = System.nanoTime() + SECONDS * 1_000_000_000L;
        int perClient = Math.max(1, REQUESTS / clients.size());
        try (ExecutorService pool = Executors.newFixedThreadPool(clients.size())) {
            List<Future<?>> futures = new ArrayList<>();
            for (HttpClient c : clients) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perClient && System.nanoTime() < end; i++) {
                        long t0 = System.nanoTime();
                        try {
                            get(c, address);
                            samples.add(System.nanoTime() - t0);
                        } catch (IOException e) {
                            // A failed scrape is counted and reported, not timed.
                            if (errors.getAndIncrement() == 0) {
                                System.out.println("# first failed scrape: " + e);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        return Stats.toArray(samples);
    }

    private static String pct(long[] samples, double p) {
        return samples.length == 0 ? "-" : Stats.ms(Stats.percentileMillis(samples, p));
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    static String get(HttpClient client, String address) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://" + address + "/metrics"))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET /metrics: status " + r.statusCode());
        }
        return r.body();
    }

    /** Polls until the server answers and its output has every sandbox's lines. */
    private static String awaitSandboxes(HttpClient client, String address, int n) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = get(client, address);
                long seen = last.lines().filter(l -> l.startsWith("runsc_fs_opens{")).count();
                if (seen >= n) {
                    return last;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new IOException("metric server at " + address + " did not serve " + n + " sandboxes within 120 s; last: "
                + last.substring(0, Math.min(300, last.length())));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
