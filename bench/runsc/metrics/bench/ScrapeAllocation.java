// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import runsc.metrics.control.ControlClient;
import runsc.metrics.exposition.ExpositionWriter;
import runsc.metrics.exposition.LabeledSnapshot;
import runsc.metrics.exposition.MetricRegistration;
import runsc.metrics.exposition.PrefixAndLabels;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.exposition.Verifier;
import runsc.metrics.exposition.WriteOptions;
import runsc.metrics.runtime.ControlSocket;
import runsc.metrics.runtime.LoadedSandbox;
import runsc.metrics.runtime.RuntimeRoot;
import runsc.metrics.runtime.SandboxLoader;
import runsc.metrics.runtime.SandboxOutcome;
import runsc.metrics.server.ControlSandboxQuery;
import runsc.metrics.server.MetricServer;
import runsc.metrics.server.config.ServerConfig;

/**
 * Issue 12: heap bytes a scrape allocates, per scrape and per sandbox, at 10, 100 and 1000
 * simulated sandboxes. The simulator ({@code simulate --namespace=bench}, the side-by-side fleet)
 * runs in a JVM of its own, so that none of its allocation is counted; the metric server runs in
 * this JVM, with the default options, and is scraped over its Unix socket with one
 * {@code GET /metrics} per connection.
 *
 * <p>Whole scrape: the difference of {@code getTotalThreadAllocatedBytes} around each request,
 * less what this driver's own thread allocated meanwhile. The scrape's queries run on virtual
 * threads; the JVM counts their allocation to the carrier threads they are mounted on, which are
 * platform threads and so are in the total (the per-thread figure of a virtual thread is not
 * available, which is why the total is used).
 *
 * <p>Stages, measured apart on this driver's platform thread with
 * {@code getCurrentThreadAllocatedBytes}, each over every sandbox in turn: export (connect, send
 * {@code Metrics.Export}, read the reply and decode it into its snapshot:
 * {@link ControlClient#exportMetrics}, as the server calls it), verify (the writer's check and the
 * sandbox's {@link Verifier}), and write (the exposition of
 * every snapshot into a null stream, so that the body's buffer is not counted). What the whole
 * scrape allocates beyond these stages is the fan-out, the server's own metrics, the body buffer
 * and the HTTP exchange. Each figure is the median over the measured scrapes, after warm-up ones.
 * System properties: {@code bench.sizes} (comma list), {@code bench.warmup} (60),
 * {@code bench.scrapes} (20), {@code bench.stages} (true; false leaves the stages out, for a profile
 * of the server alone), {@code bench.classes} (the class path of the simulator's JVM).
 */
public final class ScrapeAllocation {
    private ScrapeAllocation() {}

    private static final int WARMUP = Integer.getInteger("bench.warmup", 60);
    private static final int SCRAPES = Integer.getInteger("bench.scrapes", 20);
    private static final boolean STAGES = Boolean.parseBoolean(System.getProperty("bench.stages", "true"));
    private static final String CLASSES = System.getProperty("bench.classes", "build/classes");
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final AtomicInteger FAILED_QUERIES = new AtomicInteger();

    /**
     * Runs the measurement.
     *
     * @param args unused
     * @throws Exception if the simulator or the server cannot start, or a scrape fails
     */
    public static void main(String[] args) throws Exception {
        System.out.println("# simulate --namespace=bench in its own JVM; metric-server in this one ("
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB heap cap); " + WARMUP + " warm-up scrapes, "
                + SCRAPES + " measured; medians; KiB = 1024 bytes");
        System.out.println("sandboxes  body_bytes  scrape_KiB  per_sandbox_KiB  (min-max)  export  verify  write  rest"
                + "   (stages in KiB per sandbox)");
        for (String size : System.getProperty("bench.sizes", "10,100,1000").split(",")) {
            size(Integer.parseInt(size.strip()));
        }
        System.out.println("# failed sandbox queries during the run: " + FAILED_QUERIES.get());
    }

    private static void size(int n) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "sa");
        Path root = Files.createDirectories(dir.resolve("root"));
        Path socket = dir.resolve("m.sock");
        String address = socket.toString();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (Launched sim = Launched.command(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-cp", CLASSES, "runsc.metrics.cli.Main", "--root=" + root, "--metric-server=" + address, "simulate",
                "--sandboxes=" + n, "--namespace=bench"))) {
            sim.awaitLine("simulating", 300);
            try (MetricServer _ = MetricServer.start(ServerConfig.of(root.toString(), address, "runsc_",
                    ServerConfig.DEFAULT_MAX_PARALLEL), Optional.empty(), false, ScrapeAllocation::log,
                    new ControlSandboxQuery(root))) {
                Scrape first = scrape(socket, n);
                for (int i = 1; i < WARMUP; i++) {
                    scrape(socket, n);
                }
                long[] whole = new long[SCRAPES];
                for (int i = 0; i < SCRAPES; i++) {
                    whole[i] = scrape(socket, n).allocated();
                }
                long[][] stages = STAGES ? stages(root, n) : new long[3][1];
                long scrape = median(whole);
                long accounted = 0;
                for (long[] s : stages) {
                    accounted += median(s);
                }
                System.out.printf("%9d  %10d  %10.1f  %15.1f  %4.1f-%4.1f  %6.1f  %6.1f  %5.1f  %4.1f%n", n,
                        first.bodyBytes(), scrape / 1024.0, scrape / 1024.0 / n, Arrays.stream(whole).min().orElse(0) / 1024.0 / n,
                        Arrays.stream(whole).max().orElse(0) / 1024.0 / n, kibPer(stages[0], n), kibPer(stages[1], n),
                        kibPer(stages[2], n), (scrape - accounted) / 1024.0 / n);
            }
        } finally {
            ControlRoundTrip.deleteTree(dir);
        }
    }

    /** One whole scrape: the server's allocation and the body's size. */
    private record Scrape(long allocated, int bodyBytes) { }

    private static final byte[] REQUEST = "GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static ByteBuffer response = ByteBuffer.allocate(1 << 20);

    /** One {@code GET /metrics}, as {@code curl --unix-socket} sends it; checks that every sandbox is in it. */
    private static Scrape scrape(Path socket, int n) throws IOException {
        long self0 = THREADS.getCurrentThreadAllocatedBytes();
        long total0 = THREADS.getTotalThreadAllocatedBytes();
        response.clear();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(REQUEST));
            while (channel.read(response) >= 0) {
                if (!response.hasRemaining()) {
                    response.flip();
                    response = ByteBuffer.allocate(response.capacity() * 2).put(response);
                }
            }
        }
        long total1 = THREADS.getTotalThreadAllocatedBytes();
        long self1 = THREADS.getCurrentThreadAllocatedBytes();
        String text = new String(response.array(), 0, response.position(), StandardCharsets.UTF_8);
        int bodyAt = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 200") || bodyAt < 0) {
            throw new IOException("scrape failed: " + text.substring(0, Math.min(300, text.length())));
        }
        long served = text.lines().filter(l -> l.startsWith("runsc_meta_sandbox_metadata{")).count();
        if (served != n) {
            throw new IOException("scrape holds " + served + " of " + n + " sandboxes");
        }
        return new Scrape(total1 - total0 - (self1 - self0), text.length() - bodyAt - 4);
    }

    /** Receive, decode, verify and write, each over all sandboxes, per measured round. */
    private static long[][] stages(Path rootDir, int n) throws Exception {
        RuntimeRoot root = new RuntimeRoot(rootDir);
        SandboxLoader loader = new SandboxLoader(root);
        List<LoadedSandbox> sandboxes = new ArrayList<>();
        List<Verifier> verifiers = new ArrayList<>();
        List<Path> sockets = new ArrayList<>();
        // Made once per sandbox, as the server does when it loads one.
        List<PrefixAndLabels> naming = new ArrayList<>();
        for (var e : RuntimeRoot.bySandbox(root.listContainers()).entrySet()) {
            if (!(loader.loadSandbox(e.getKey(), e.getValue()) instanceof SandboxOutcome.Loaded(LoadedSandbox s))) {
                throw new IOException("cannot load sandbox " + e.getKey());
            }
            sandboxes.add(s);
            verifiers.add(Verifier.create(MetricRegistration.fromJson(s.sandbox().registeredMetrics()), Clock.systemUTC()));
            sockets.add(ControlSocket.resolve(s.sandbox(), rootDir));
            naming.add(new PrefixAndLabels("runsc_", s.identityLabels()));
        }
        if (sandboxes.size() != n) {
            throw new IOException("found " + sandboxes.size() + " of " + n + " sandboxes");
        }
        ControlClient client = new ControlClient();
        ExpositionWriter writer = new ExpositionWriter();
        long[][] out = new long[3][SCRAPES];
        for (int r = -WARMUP / 3; r < SCRAPES; r++) {
            long export = 0;
            long verify = 0;
            List<LabeledSnapshot> snapshots = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String id = sandboxes.get(i).sandbox().id();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                long a0 = THREADS.getCurrentThreadAllocatedBytes();
                Snapshot snapshot = client.exportMetrics(id, sockets.get(i), "", deadline);
                long a1 = THREADS.getCurrentThreadAllocatedBytes();
                PrefixAndLabels labels = naming.get(i);
                ExpositionWriter.check(snapshot, labels);
                verifiers.get(i).verify(snapshot);
                long a2 = THREADS.getCurrentThreadAllocatedBytes();
                export += a1 - a0;
                verify += a2 - a1;
                snapshots.add(new LabeledSnapshot(snapshot, labels));
            }
            long w0 = THREADS.getCurrentThreadAllocatedBytes();
            writer.write(OutputStream.nullOutputStream(), new WriteOptions("header", true), snapshots);
            long w1 = THREADS.getCurrentThreadAllocatedBytes();
            if (r >= 0) {
                out[0][r] = export;
                out[1][r] = verify;
                out[2][r] = w1 - w0;
            }
        }
        return out;
    }

    private static void log(String line) {
        if (line.startsWith("Could not")) {
            FAILED_QUERIES.incrementAndGet();
        }
    }

    private static double kibPer(long[] samples, int n) {
        return median(samples) / 1024.0 / n;
    }

    private static long median(long[] samples) {
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
