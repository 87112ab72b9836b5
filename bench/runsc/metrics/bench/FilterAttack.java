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
import java.util.function.IntFunction;

/**
 * Pathological filter patterns against {@code metric-server} serving {@code bench.sandboxes}
 * (1000) simulated sandboxes over TCP. For each pattern of the corpus and each of the two filter
 * parameters: the request's status, wall time and the server's CPU time (user + system from
 * {@code /proc/PID/stat}) for that request alone. Then the latency of plain {@code GET /metrics}
 * scrapes in {@code bench.rounds} (3) rounds of three conditions in turn, so that load beside the
 * benchmark falls on all three alike: alone; beside one honest client scraping plain
 * {@code /metrics} in a loop, which is what any second client costs; beside {@code bench.attackers}
 * (7) threads sending the corpus in a loop. Both kinds of other client connect from another address
 * ({@code bench.attackerAddress}, 127.0.0.2: another client, as an attacker is). Starvation shows
 * as ratios of medians; last, the attack once from the plain scrapes' own address (one client,
 * whose requests take turns).
 *
 * <p>Every answer of the other clients and of the plain scrapes is tallied by status, among them
 * 429 (a client that spent its budget of refused requests, answered as its connection is accepted
 * or on an open one), and a request that got no answer at all (the connection reset or closed
 * before one, as a refusal at accept may look to a client that has already sent its request) is
 * tallied as "closed": the attack's figures count what the attackers got, not only what they were
 * served.
 */
public final class FilterAttack {
    private FilterAttack() {}

    static final Path IMAGE = Path.of(System.getProperty("bench.image", "build/image"));
    static final int SANDBOXES = Integer.getInteger("bench.sandboxes", 1000);
    static final int ATTACKERS = Integer.getInteger("bench.attackers", 7);
    static final int PLAIN = Integer.getInteger("bench.plain", 20);
    /** Rounds of the three conditions (alone, beside one honest client, beside the attackers), in turn. */
    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
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
                // Each request of this phase from an address of its own (127.0.0.10 and up): the
                // corpus's refusals would spend one client's budget of refused requests within a
                // dozen requests and turn the rest into 429s, and this phase measures each pattern's
                // own cost.
                int from = 10;
                for (Map.Entry<String, String> e : corpus.entrySet()) {
                    for (String param : List.of("runsc-sandbox-metrics-filter", "runsc-capability-filter")) {
                        String query = "?" + param + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8);
                        int status;
                        long cpu0 = cpuTicks(server.pid());
                        long t0 = System.nanoTime();
                        try (HttpClient own = client(InetAddress.getByName("127.0.0." + from++))) {
                            status = status(own, address, query);
                        }
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
                List<String> patterns = List.copyOf(corpus.values());
                List<Double> alone50 = new ArrayList<>();
                List<Double> honest50 = new ArrayList<>();
                List<Double> attacked50 = new ArrayList<>();
                for (int round = 1; round <= ROUNDS; round++) {
                    System.out.println("# round " + round + " of " + ROUNDS + ", " + Stats.loadAverage());
                    long[] alone = plain(client, address, PLAIN);
                    alone50.add(Stats.percentileMillis(alone, 50));
                    System.out.printf("round %d: plain /metrics alone: p50 %s p99 %s (n=%d)%n", round,
                            Stats.ms(Stats.percentileMillis(alone, 50)), Stats.ms(Stats.percentileMillis(alone, 99)), alone.length);
                    Beside honest = beside(server.pid(), sim.pid(), address, ATTACKER_ADDRESS, 1, i -> "");
                    honest50.add(Stats.percentileMillis(honest.plain(), 50));
                    report(round, "1 honest client (plain /metrics in a loop)", ATTACKER_ADDRESS, honest, alone);
                    Beside attack = beside(server.pid(), sim.pid(), address, ATTACKER_ADDRESS, ATTACKERS, i -> filterQuery(patterns, i));
                    attacked50.add(Stats.percentileMillis(attack.plain(), 50));
                    report(round, ATTACKERS + " attackers", ATTACKER_ADDRESS, attack, alone);
                }
                double alone = median(alone50);
                double honest = median(honest50);
                double attacked = median(attacked50);
                System.out.printf("median of the rounds' p50s: alone %s, beside 1 honest client %s (%s), beside %d attackers %s "
                        + "(%s; %s of the honest client's)%n", Stats.ms(alone), Stats.ms(honest), Stats.ratio(honest, alone),
                        ATTACKERS, Stats.ms(attacked), Stats.ratio(attacked, alone), Stats.ratio(attacked, honest));
                long[] ownAlone = plain(client, address, PLAIN);
                Beside own = beside(server.pid(), sim.pid(), address, "127.0.0.1", ATTACKERS, i -> filterQuery(patterns, i));
                report(0, ATTACKERS + " attackers", "127.0.0.1", own, ownAlone);
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
     * The plain scrapes' latencies beside other clients (of those answered 200), how many answers of
     * each status the plain scrapes and the other clients got, and the CPU meanwhile of the server, of
     * the simulator and of this driver (whose client threads share the machine with the server).
     */
    private record Beside(long[] plain, Map<Integer, Integer> plainStatuses, Map<Integer, Integer> statuses, double cpuMillis,
                          double simulatorCpuMillis, double driverCpuMillis) {}

    /** The query of the {@code i}th request of an attacker: the corpus in turn, each filter in turn. */
    private static String filterQuery(List<String> patterns, int i) {
        String param = i % 2 == 0 ? "runsc-sandbox-metrics-filter" : "runsc-capability-filter";
        return "?" + param + "=" + URLEncoder.encode(patterns.get(i % patterns.size()), StandardCharsets.UTF_8);
    }

    private static void report(int round, String what, String from, Beside b, long[] alone) {
        System.out.printf("%splain /metrics from 127.0.0.1 beside %s from %s: p50 %s p99 %s (of the %s); "
                        + "p50 ratio %s; their answers %s; server CPU %.0f ms, simulator %.0f ms, driver %.0f ms%n",
                round > 0 ? "round " + round + ": " : "",
                what, from, Stats.ms(Stats.percentileMillis(b.plain(), 50)), Stats.ms(Stats.percentileMillis(b.plain(), 99)),
                tally(b.plainStatuses()), Stats.ratio(Stats.percentileMillis(b.plain(), 50), Stats.percentileMillis(alone, 50)),
                tally(b.statuses()), b.cpuMillis(), b.simulatorCpuMillis(), b.driverCpuMillis());
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * Plain scrapes from 127.0.0.1 while {@code clients} threads connecting from {@code from} send
     * {@code queryOf(i)} in a loop, starting a second before the first plain scrape.
     */
    private static Beside beside(long serverPid, long simulatorPid, String address, String from, int clients,
                                 IntFunction<String> queryOf) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Long> samples = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, Integer> statuses = new java.util.concurrent.ConcurrentSkipListMap<>();
        long driverPid = ProcessHandle.current().pid();
        long cpu0 = cpuTicks(serverPid);
        long sim0 = cpuTicks(simulatorPid);
        long driver0 = cpuTicks(driverPid);
        try (ExecutorService pool = Executors.newFixedThreadPool(clients + 1)) {
            List<Future<?>> others = new ArrayList<>();
            for (int a = 0; a < clients; a++) {
                int first = a;
                others.add(pool.submit(() -> {
                    HttpClient c = client(InetAddress.getByName(from));
                    for (int i = first; !stop.get(); i++) {
                        statuses.merge(outcome(c, address, queryOf.apply(i)), 1, Integer::sum);
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
                    int status = outcome(c, address, "");
                    plainStatuses.merge(status, 1, Integer::sum);
                    if (status == 200) {
                        samples.add(System.nanoTime() - t0);
                    }
                }
            } finally {
                stop.set(true);
            }
            for (Future<?> f : others) {
                f.get();
            }
            if (samples.isEmpty()) {
                samples.add(0L);
            }
            double cpu = (cpuTicks(serverPid) - cpu0) * 1000.0 / CLOCK_TICKS_PER_SECOND;
            double sim = (cpuTicks(simulatorPid) - sim0) * 1000.0 / CLOCK_TICKS_PER_SECOND;
            double driver = (cpuTicks(driverPid) - driver0) * 1000.0 / CLOCK_TICKS_PER_SECOND;
            return new Beside(Stats.toArray(samples), plainStatuses, statuses, cpu, sim, driver);
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

    /** The tally's key of a request that got no answer: its connection was reset or closed first. */
    static final int CLOSED = 0;

    /** The status of the answer, or {@link #CLOSED} if the connection ended without one. */
    private static int outcome(HttpClient client, String address, String query) throws InterruptedException {
        try {
            return status(client, address, query);
        } catch (IOException e) {
            return CLOSED;
        }
    }

    /** A tally of outcomes as text: each status, and {@link #CLOSED} named as such. */
    static String tally(Map<Integer, Integer> outcomes) {
        StringBuilder b = new StringBuilder("{");
        outcomes.forEach((status, n) -> b.append(b.length() > 1 ? ", " : "")
                .append(status == CLOSED ? "closed before an answer" : Integer.toString(status)).append('=').append(n));
        return b.append('}').toString();
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
