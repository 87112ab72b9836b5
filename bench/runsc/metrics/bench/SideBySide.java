// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.bench;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 12: this product's {@code metric-server} and upstream's Go metric server side by side, on
 * the same {@code runsc-metrics simulate} sandboxes, over the same Unix socket path, one after the
 * other (ours, Go, ours, Go, ...) in one run. For each server start it reports the time until the
 * socket accepts and until the first scrape that holds every sandbox, the server's CPU (user+sys
 * from {@code /proc/PID/stat}) spent starting, per scrape over the first {@code bench.cold} scrapes
 * and per scrape over {@code bench.warm} scrapes after {@code bench.warmup} more, the p50 latency of
 * both windows, failed scrapes (not 200, or a sandbox missing), and VmHWM. The simulator's CPU over
 * the same windows is reported apart, so that it cannot hide in the server's figures.
 *
 * <p>Properties: bench.go (the Go server's binary, required), bench.sizes (10,100,1000),
 * bench.series (filler series per sandbox, 0), bench.histogram (false), bench.rounds (2),
 * bench.cold (30), bench.warmup (untimed scrapes between the windows, 270; capped by
 * bench.warmupBudget seconds, 120), bench.warm (30), bench.startLimit (seconds from a server's start to its
 * first full scrape, 300), bench.javaOpts (RUNSC_METRICS_JAVA_OPTS for
 * our server only). To measure launcher options against each other in the same run,
 * bench.variants names more of our servers, {@code name=OPTIONS} separated by {@code |}, each run in
 * every round after ours; bench.go may then be empty to leave the Go server out.
 */
public final class SideBySide {
    private SideBySide() {}

    static final Path IMAGE = Path.of(System.getProperty("bench.image", "build/image"));
    static final int SERIES = Integer.getInteger("bench.series", 0);
    static final boolean HISTOGRAM = Boolean.getBoolean("bench.histogram");
    static final int ROUNDS = Integer.getInteger("bench.rounds", 2);
    static final int COLD = Integer.getInteger("bench.cold", 30);
    static final int WARMUP = Integer.getInteger("bench.warmup", 270);
    static final int WARMUP_BUDGET_S = Integer.getInteger("bench.warmupBudget", 120);
    static final int WARM = Integer.getInteger("bench.warm", 30);
    /** Seconds a server has from its start to its first full scrape (upstream's discovery needs minutes at 5 000). */
    static final int START_LIMIT_S = Integer.getInteger("bench.startLimit", 300);
    static final String SERVER_OPTS = System.getProperty("bench.javaOpts", "");
    /** Servers by name, in the order each round runs them, with their JVM options; null for Go's. */
    private static final Map<String, String> SERVERS = new LinkedHashMap<>();
    /** Linux's USER_HZ: /proc/PID/stat counts CPU time in these ticks. */
    private static final double TICK_MS = 10.0;

    /** One server start's figures. */
    record Run(String server, int sandboxes, int served, double readyMs, double firstMs, double startCpuMs,
               double coldCpuMs, double coldP50, double warmCpuMs, double warmP50, int warmupDone,
               double simColdCpuMs, double simWarmCpuMs, int failed, long hwmKib) {
        String line() {
            return String.format(Locale.ROOT,
                    "%-6s %5d sandboxes (%d served)  ready %7.1f ms  first scrape %7.1f ms  start CPU %6.0f ms"
                            + "  | cold: CPU/scrape %7.2f ms p50 %7.2f ms  | warm (after %d): CPU/scrape %7.2f ms p50 %7.2f ms"
                            + "  | simulator CPU/scrape cold %6.2f warm %6.2f ms  | failed %d  VmHWM %6.1f MiB",
                    server, sandboxes, served, readyMs, firstMs, startCpuMs, coldCpuMs, coldP50, warmupDone, warmCpuMs, warmP50,
                    simColdCpuMs, simWarmCpuMs, failed, hwmKib / 1024.0);
        }
    }

    public static void main(String[] args) throws Exception {
        String go = System.getProperty("bench.go", "");
        if (!go.isEmpty() && !Files.isExecutable(Path.of(go))) {
            throw new IllegalArgumentException("bench.go must name upstream's Go metric server binary, was \"" + go + "\"");
        }
        SERVERS.put("ours", SERVER_OPTS);
        for (String v : System.getProperty("bench.variants", "").split("\\|")) {
            int eq = v.indexOf('=');
            if (v.isBlank()) {
                continue;
            }
            if (eq <= 0) {
                throw new IllegalArgumentException("bench.variants: \"" + v + "\" is not NAME=OPTIONS");
            }
            SERVERS.put(v.substring(0, eq).strip(), v.substring(eq + 1).strip());
        }
        if (!go.isEmpty()) {
            SERVERS.put("go", null);
        }
        System.out.println("# side by side over a Unix socket: ours (RUNSC_METRICS_JAVA_OPTS="
                + (SERVER_OPTS.isEmpty() ? "(none)" : SERVER_OPTS) + ") and " + go + "; simulate --series=" + SERIES
                + (HISTOGRAM ? " --histogram" : "") + " --namespace=bench; " + ROUNDS + " rounds; cold " + COLD
                + " scrapes, warm-up " + WARMUP + " (at most " + WARMUP_BUDGET_S + " s), warm " + WARM);
        System.out.println("# " + Stats.loadAverage());
        for (String s : System.getProperty("bench.sizes", "10,100,1000").split(",")) {
            size(Integer.parseInt(s.strip()), go);
        }
        System.out.println("# " + Stats.loadAverage());
    }

    private static void size(int n, String go) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "sbs");
        Path root = dir.resolve("root");
        Path socket = dir.resolve("m.sock");
        List<String> simArgs = new ArrayList<>(List.of("--root=" + root, "--metric-server=" + socket,
                "simulate", "--sandboxes=" + n, "--series=" + SERIES, "--namespace=bench"));
        if (HISTOGRAM) {
            simArgs.add("--histogram");
        }
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        try (Launched sim = Launched.start(IMAGE, "", simArgs)) {
            sim.awaitLine("simulating", 300);
            for (int round = 0; round < ROUNDS; round++) {
                for (Map.Entry<String, String> e : SERVERS.entrySet()) {
                    String server = e.getKey();
                    List<String> serverArgs = List.of("--root=" + root, "--metric-server=" + socket, "metric-server");
                    Files.deleteIfExists(socket);
                    long t0 = System.nanoTime();
                    Launched launched;
                    if (e.getValue() != null) {
                        launched = Launched.start(IMAGE, e.getValue(), serverArgs);
                    } else {
                        List<String> command = new ArrayList<>(List.of(go));
                        command.addAll(serverArgs);
                        launched = Launched.command(command);
                    }
                    try (Launched s = launched) {
                        Run run = measure(server, n, s, sim.pid(), socket, t0);
                        System.out.println(run.line());
                        runs.computeIfAbsent(server, k -> new ArrayList<>()).add(run);
                    }
                }
            }
        } finally {
            ControlRoundTrip.deleteTree(dir);
        }
        for (String server : SERVERS.keySet()) {
            if (!server.equals("ours")) {
                summary(n, server, runs.get(server), runs.get("ours"));
            }
        }
    }

    private static Run measure(String server, int sandboxes, Launched s, long simPid, Path socket, long t0) throws Exception {
        int n = sandboxes;
        long deadline = t0 + START_LIMIT_S * 1_000_000_000L;
        while (!connects(socket)) {
            if (!s.alive()) {
                throw new IOException(server + " metric server exited before it accepted on " + socket);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(server + " metric server did not accept on " + socket + " within " + START_LIMIT_S + " s");
            }
            Thread.sleep(5);
        }
        double readyMs = (System.nanoTime() - t0) / 1e6;
        // The first full scrape serves every sandbox; upstream's server leaves one of the
        // simulator's sandboxes out at every size measured, so a scrape is full, for each server,
        // once it serves n, or the same count as the scrape before it.
        int last = -1;
        while (true) {
            int served = sandboxes(scrape(socket));
            if (served >= n || (served > 0 && served == last)) {
                n = served;
                break;
            }
            last = served;
            if (System.nanoTime() > deadline) {
                throw new IOException(server + " metric server did not serve " + n + " sandboxes within " + START_LIMIT_S + " s");
            }
            Thread.sleep(5);
        }
        double firstMs = (System.nanoTime() - t0) / 1e6;
        long startCpu = cpuTicks(s.pid());
        long simCpu0 = cpuTicks(simPid);
        int[] failed = {0};
        long[] cold = scrapes(socket, n, COLD, failed);
        long coldCpu = cpuTicks(s.pid());
        long simCpu1 = cpuTicks(simPid);
        long budgetEnd = System.nanoTime() + WARMUP_BUDGET_S * 1_000_000_000L;
        int warmupDone = 0;
        while (warmupDone < WARMUP && System.nanoTime() < budgetEnd) {
            if (!complete(scrape(socket), n)) {
                failed[0]++;
            }
            warmupDone++;
        }
        long warmCpu0 = cpuTicks(s.pid());
        long simCpu2 = cpuTicks(simPid);
        long[] warm = scrapes(socket, n, WARM, failed);
        long warmCpu1 = cpuTicks(s.pid());
        long simCpu3 = cpuTicks(simPid);
        return new Run(server, sandboxes, n, readyMs, firstMs, startCpu * TICK_MS,
                (coldCpu - startCpu) * TICK_MS / COLD, Stats.medianMillis(cold),
                (warmCpu1 - warmCpu0) * TICK_MS / WARM, Stats.medianMillis(warm), COLD + warmupDone,
                (simCpu1 - simCpu0) * TICK_MS / COLD, (simCpu3 - simCpu2) * TICK_MS / WARM,
                failed[0], Stats.statusKib(s.pid(), "VmHWM"));
    }

    /** {@code count} timed scrapes; a failed one counts in {@code failed[0]} and is timed too. */
    private static long[] scrapes(Path socket, int n, int count, int[] failed) throws IOException {
        long[] nanos = new long[count];
        for (int i = 0; i < count; i++) {
            long t = System.nanoTime();
            String body = scrape(socket);
            nanos[i] = System.nanoTime() - t;
            if (!complete(body, n)) {
                failed[0]++;
            }
        }
        return nanos;
    }

    /** Medians of ours against another server, as ours / other. */
    private static void summary(int n, String other, List<Run> go, List<Run> ours) {
        System.out.printf(Locale.ROOT, "# %d sandboxes, medians over %d rounds (ours / %s = ratio):%n", n, ours.size(), other);
        row("peak RSS (VmHWM, MiB)", ours, go, r -> r.hwmKib() / 1024.0);
        row("time to ready (ms)", ours, go, Run::readyMs);
        row("time to first full scrape (ms)", ours, go, Run::firstMs);
        row("start CPU (ms)", ours, go, Run::startCpuMs);
        row("cold CPU per scrape (ms)", ours, go, Run::coldCpuMs);
        row("cold p50 (ms)", ours, go, Run::coldP50);
        row("warm CPU per scrape (ms)", ours, go, Run::warmCpuMs);
        row("warm p50 (ms)", ours, go, Run::warmP50);
        row("failed scrapes", ours, go, r -> r.failed());
    }

    private static void row(String what, List<Run> ours, List<Run> go, java.util.function.ToDoubleFunction<Run> f) {
        double a = median(ours.stream().mapToDouble(f).toArray());
        double b = median(go.stream().mapToDouble(f).toArray());
        System.out.printf(Locale.ROOT, "#   %-32s %9.2f / %9.2f = %s%n", what, a, b, b == 0 ? "-" : Stats.ratio(a, b));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // The command name (field 2) may hold spaces; the fields after it are counted from its ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static boolean connects(Path socket) {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return ch.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a reply is a 200 with at least {@code n} sandboxes' {@code runsc_fs_opens} lines. */
    private static boolean complete(String reply, int n) {
        return sandboxes(reply) >= n;
    }

    /** The sandboxes a 200 reply serves (its {@code runsc_fs_opens} lines), or 0. */
    private static int sandboxes(String reply) {
        if (!reply.startsWith("HTTP/1.1 200")) {
            return 0;
        }
        int seen = 0;
        for (int i = reply.indexOf("\nrunsc_fs_opens{"); i >= 0; i = reply.indexOf("\nrunsc_fs_opens{", i + 1)) {
            seen++;
        }
        return seen;
    }

    /**
     * One {@code GET /metrics} with {@code Connection: close}, as curl --unix-socket sends it: the
     * head and the body, de-chunked (Go's server sends its big replies chunked); "" on failure.
     */
    static String scrape(Path socket) {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            Channels.newOutputStream(ch).write("GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            String reply = new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = reply.indexOf("\r\n\r\n");
            if (end < 0) {
                return "";
            }
            String head = reply.substring(0, end + 2);
            if (!head.toLowerCase(Locale.ROOT).contains("\r\ntransfer-encoding: chunked\r\n")) {
                return reply;
            }
            StringBuilder body = new StringBuilder(reply.length());
            int at = end + 4;
            while (true) {
                int eol = reply.indexOf("\r\n", at);
                int size = Integer.parseInt(reply.substring(at, eol).split(";")[0].strip(), 16);
                if (size == 0) {
                    return head + "\r\n" + body;
                }
                body.append(reply, eol + 2, eol + 2 + size);
                at = eol + 2 + size + 2;
            }
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
