// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Pathological filter patterns against {@code metric-server} serving {@code bench.sandboxes}
 * (1000) simulated sandboxes over TCP. For each pattern of the corpus and each of the two filter
 * parameters: the request's status, wall time and the server's CPU time (user + system from
 * {@code /proc/PID/stat}) for that request alone. Then the latency of plain {@code GET /metrics}
 * scrapes, first alone and then while {@code bench.attackers} (7) threads send the costliest
 * patterns in a loop, so that starvation shows as a ratio of medians from one run: once with the
 * attackers on another address ({@code bench.attackerAddress}, 127.0.0.2: another client, as an
 * attacker is), once on the plain scrapes' own address (one client, whose requests take turns).
 */
public final class FilterAttack {
    private FilterAttack() {}

    static final Path IMAGE = Path.of(System.getProperty("bench.image", "build/image"));
    static final int SANDBOXES = Integer.getInteger("bench.sandboxes", 1000);
    static final int ATTACKERS = Integer.getInteger("bench.attackers", 7);
    static final int PLAIN = Integer.getInteger("bench.plain", 20);
    /** Where the attackers connect from: another loopback address, so another client than the plain scrapes'. */
    static final String ATTACKER_ADDRESS = System.getProperty("bench.attackerAddress", "127.0.0.2");
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    public static void main(String[] args) throws Exception {
        Map<String, String> corpus = corpus();
        System.out.println("# " + SANDBOXES + " simulated sandboxes, TCP; per pattern and filter: status, wall, server CPU");
        System.out.println("# " + Stats.loadAverage());
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "fa");
        Path root = dir.resolve("root");
        String address = "127.0.0.1:" + freePort();
        try (Launched sim = Launched.start(IMAGE, "", List.of("--root=" + root, "--metric-server=" + address,
                "simulate", "--sandboxes=" + SANDBOXES, "--namespace=bench"))) {
            sim.awaitLine("simulating", 300);
            try (Launched server = Launched.start(IMAGE, "", List.of("--root=" + root, "--metric-server=" + address,
                    "metric-server"))) {
                HttpClient client = client();
                awaitServing(client, address);
                for (int i = 0; i < 10; i++) {
                    get(client, address, "");
                }
                double worstWall = 0;
                double worstCpu = 0;
                for (Map.Entry<String, String> e : corpus.entrySet()) {
                    for (String param : List.of("runsc-sandbox-metrics-filter", "runsc-capability-filter")) {
                        String query = "?" + param + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8);
                        long cpu0 = cpuTicks(server.pid());
                        long t0 = System.nanoTime();
                        int status = status(client, address, query);
                        double wall = (System.nanoTime() - t0) / 1e6;
                        double cpu = (cpuTicks(server.pid()) - cpu0) * 1000.0 / CLOCK_TICKS_PER_SECOND;
                        worstWall = Math.max(worstWall, wall);
                        worstCpu = Math.max(worstCpu, cpu);
                        System.out.printf("%-28s %-28s status %d  wall %8.1f ms  server CPU %7.0f ms%n",
                                e.getKey(), param, status, wall, cpu);
                    }
                }
                System.out.printf("worst request: wall %.1f ms, server CPU %.0f ms (CPU from /proc at %d ticks/s)%n",
                        worstWall, worstCpu, CLOCK_TICKS_PER_SECOND);
                long[] alone = plain(client, address, PLAIN);
                System.out.printf("plain /metrics alone: p50 %s p99 %s (n=%d)%n", Stats.ms(Stats.percentileMillis(alone, 50)),
                        Stats.ms(Stats.percentileMillis(alone, 99)), alone.length);
                for (String from : List.of(ATTACKER_ADDRESS, "127.0.0.1")) {
                    long cpu0 = cpuTicks(server.pid());
                    Attack attack = underAttack(address, from, List.copyOf(corpus.values()));
                    double cpu = (cpuTicks(server.pid()) - cpu0) * 1000.0 / CLOCK_TICKS_PER_SECOND;
                    long[] attacked = attack.plain();
                    System.out.printf("plain /metrics from 127.0.0.1 with %d attackers from %s: p50 %s p99 %s (of the %s); "
                            + "p50 ratio %s; attackers' answers %s; server CPU %.0f ms%n", ATTACKERS, from,
                            Stats.ms(Stats.percentileMillis(attacked, 50)), Stats.ms(Stats.percentileMillis(attacked, 99)),
                            attack.plainStatuses(),
                            Stats.ratio(Stats.percentileMillis(attacked, 50), Stats.percentileMillis(alone, 50)),
                            attack.statuses(), cpu);
                }
            }
        } finally {
            ControlRoundTrip.deleteTree(dir);
        }
        System.out.println("# " + Stats.loadAverage());
    }

    /** Nested quantifiers, huge alternations, a 100 KB pattern and large counts. */
    static Map<String, String> corpus() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("nested-star-x6", "(.*)*(.*)*(.*)*(.*)*(.*)*(.*)*X");
        c.put("nested-plus", "((a+)+)+$|(([a-z_]+)+)+!");
        c.put("alternation-overlap", "(\\w|\\w\\w|[a-z_]|_)*!");
        Random r = new Random(1);
        StringBuilder alt = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            alt.append(i == 0 ? "" : "|").append("fs_").append(Long.toString(r.nextLong() & Long.MAX_VALUE, 36));
        }
        c.put("alternation-5000", alt.toString());
        StringBuilder big = new StringBuilder();
        while (big.length() < 100_000) {
            big.append("(.*a)?");
        }
        c.put("optional-100KB", big.toString());
        c.put("count-1000", "(.{1,1000}){1000}X");
        c.put("count-nested", "((.*){1000}){1000}X");
        return c;
    }

    private static long[] plain(HttpClient client, String address, int n) throws Exception {
        List<Long> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            get(client, address, "");
            samples.add(System.nanoTime() - t0);
        }
        return Stats.toArray(samples);
    }

    /**
     * The plain scrapes' latencies beside an attack (of those answered 200), and how many answers of
     * each status the plain scrapes and the attackers got.
     */
    private record Attack(long[] plain, Map<Integer, Integer> plainStatuses, Map<Integer, Integer> statuses) {}

    private static Attack underAttack(String address, String from, List<String> patterns) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Long> samples = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, Integer> statuses = new java.util.concurrent.ConcurrentSkipListMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(ATTACKERS + 1)) {
            List<Future<?>> attackers = new ArrayList<>();
            for (int a = 0; a < ATTACKERS; a++) {
                int first = a;
                attackers.add(pool.submit(() -> {
                    HttpClient c = client(InetAddress.getByName(from));
                    for (int i = first; !stop.get(); i++) {
                        String param = i % 2 == 0 ? "runsc-sandbox-metrics-filter" : "runsc-capability-filter";
                        statuses.merge(status(c, address, "?" + param + "="
                                + URLEncoder.encode(patterns.get(i % patterns.size()), StandardCharsets.UTF_8)), 1, Integer::sum);
                    }
                    return null;
                }));
            }
            Map<Integer, Integer> plainStatuses = new java.util.TreeMap<>();
            try {
                Thread.sleep(1000);
                HttpClient c = client();
                for (int i = 0; i < PLAIN; i++) {
                    long t0 = System.nanoTime();
                    int status = status(c, address, "");
                    plainStatuses.merge(status, 1, Integer::sum);
                    if (status == 200) {
                        samples.add(System.nanoTime() - t0);
                    }
                }
            } finally {
                stop.set(true);
            }
            for (Future<?> f : attackers) {
                f.get();
            }
            if (samples.isEmpty()) {
                samples.add(0L);
            }
            return new Attack(Stats.toArray(samples), plainStatuses, statuses);
        }
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static HttpClient client() throws IOException {
        return client(InetAddress.getByName("127.0.0.1"));
    }

    /** A client whose connections come from {@code from}: the server gives each address its own share. */
    private static HttpClient client(InetAddress from) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .localAddress(from).build();
    }

    private static int status(HttpClient client, String address, String query) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://" + address + "/metrics" + query))
                .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String get(HttpClient client, String address, String query) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://" + address + "/metrics" + query))
                .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET /metrics" + query + ": status " + r.statusCode());
        }
        return r.body();
    }

    private static void awaitServing(HttpClient client, String address) throws Exception {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                String body = get(client, address, "");
                if (body.lines().filter(l -> l.startsWith("runsc_fs_opens{")).count() >= SANDBOXES) {
                    return;
                }
            } catch (IOException e) {
                // not ready yet
            }
            Thread.sleep(200);
        }
        throw new IOException("metric server at " + address + " did not serve " + SANDBOXES + " sandboxes in 300 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
