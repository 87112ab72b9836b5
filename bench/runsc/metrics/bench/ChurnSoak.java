// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import runsc.metrics.sim.Fault;
import runsc.metrics.sim.SandboxOptions;
import runsc.metrics.sim.SimulatedSandbox;

/**
 * Churn soak: the image's {@code metric-server} on a Unix socket while simulated sandboxes come
 * and go in its root ({@code bench.live} at a time, each living a few scrapes; every tenth one
 * faulty: stalled, garbage, closing or dead), scraped once a second for {@code bench.seconds}
 * (300). Reports how many sandboxes were created, the scrapes and their statuses, and the server's
 * open descriptors and resident memory at the start and the end, so that a leak of either shows.
 */
public final class ChurnSoak {
    private ChurnSoak() {}

    static final Path IMAGE = Path.of(System.getProperty("bench.image", "build/image"));
    static final int SECONDS = Integer.getInteger("bench.seconds", 300);
    static final int LIVE = Integer.getInteger("bench.live", 50);
    static final int PER_SECOND = Integer.getInteger("bench.churn", 10);

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "cs");
        Path root = Files.createDirectories(dir.resolve("root"));
        Path socket = dir.resolve("ms.sock");
        Deque<SimulatedSandbox> live = new ArrayDeque<>();
        int created = 0;
        int[] statuses = new int[6];
        List<Long> fds = new ArrayList<>();
        List<Long> rss = new ArrayList<>();
        System.out.println("# churn soak: " + SECONDS + " s, " + LIVE + " sandboxes live, " + PER_SECOND
                + " replaced per second, one scrape per second; " + Stats.loadAverage());
        try (Launched server = Launched.start(IMAGE, "", List.of("--root=" + root, "--metric-server=" + socket,
                "metric-server"))) {
            long deadline = System.nanoTime() + 60_000_000_000L;
            // A served scrape, not the socket file: the file appears at bind, before listen.
            while (scrape(socket) != 200 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            long end = System.nanoTime() + SECONDS * 1_000_000_000L;
            for (int second = 0; System.nanoTime() < end; second++) {
                for (int i = 0; i < PER_SECOND || live.size() < LIVE; i++) {
                    if (live.size() >= LIVE) {
                        live.removeFirst().close();
                    }
                    String id = "churn-" + created++;
                    SandboxOptions o = SandboxOptions.of(id, socket.toString());
                    if (created % 10 == 0) {
                        Fault[] faults = {Fault.parse("stall"), Fault.parse("garbage"), Fault.parse("close"), Fault.parse("dead")};
                        o = o.withFault(faults[ThreadLocalRandom.current().nextInt(faults.length)]);
                    }
                    live.addLast(SimulatedSandbox.start(root, o));
                }
                int status = scrape(socket);
                statuses[Math.min(5, Math.max(0, status / 100))]++;
                if (second == 5 || System.nanoTime() + 1_000_000_000L >= end) {
                    fds.add(Stats.fds(server.pid()));
                    rss.add(Stats.statusKib(server.pid(), "VmRSS"));
                }
                Thread.sleep(1000);
            }
            System.out.printf("sandboxes created %d; scrapes 2xx %d, 5xx %d, other %d%n", created, statuses[2],
                    statuses[5], statuses[0] + statuses[1] + statuses[3] + statuses[4]);
            System.out.printf("server fds %d -> %d; VmRSS %s -> %s; VmHWM %s%n", fds.get(0), fds.get(fds.size() - 1),
                    Stats.mib(rss.get(0)), Stats.mib(rss.get(rss.size() - 1)),
                    Stats.mib(Stats.statusKib(server.pid(), "VmHWM")));
        } finally {
            for (SimulatedSandbox s : live) {
                s.close();
            }
            ControlRoundTrip.deleteTree(dir);
        }
        System.out.println("# " + Stats.loadAverage());
    }

    /** One {@code GET /metrics} over the Unix socket with {@code Connection: close}; the status code, or 0. */
    private static int scrape(Path socket) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1)));
            ByteBuffer head = ByteBuffer.allocate(64);
            while (head.position() < 12 && ch.read(head) >= 0) {
                // the status line's first 12 bytes: "HTTP/1.1 200"
            }
            ByteBuffer rest = ByteBuffer.allocate(64 << 10);
            while (ch.read(rest.clear()) >= 0) {
                // drain the body
            }
            String line = new String(head.array(), 0, head.position(), StandardCharsets.ISO_8859_1);
            return line.length() >= 12 ? Integer.parseInt(line.substring(9, 12)) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }
}
