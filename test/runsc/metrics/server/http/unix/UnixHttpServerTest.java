// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.unix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import runsc.metrics.server.http.Router;
import runsc.metrics.server.http.MetricsSource;
import runsc.metrics.server.http.ServerSettings;

class UnixHttpServerTest {
    private static final Path SAMPLE = Path.of("test/resources/samples/upstream-metric-server-output.txt");
    private static final UnixServerOptions FAST = new UnixServerOptions(Duration.ofMillis(500), Duration.ofMillis(500),
            Duration.ofSeconds(5), 64);

    private final List<String> log = new CopyOnWriteArrayList<>();
    private Path dir;
    private Path socket;
    private byte[] sample;
    private Router core;

    @BeforeEach
    void setUp() throws IOException {
        // Socket paths must stay short: a temp dir directly under /tmp.
        dir = Files.createTempDirectory(Path.of("/tmp"), "rm");
        socket = dir.resolve("m.sock");
        sample = Files.readAllBytes(SAMPLE);
        MetricsSource source = (q, out) -> out.write(sample);
        // Room for serves50ConcurrentRequests: under the default cap of 8 in-flight /metrics
        // requests, those that overlap get the documented 503 (RouterTest), more of them the
        // busier the machine.
        core = new Router(new ServerSettings("/run/runsc", 99, 50), source, () -> false, log::add);
    }

    @AfterEach
    void tearDown() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private UnixHttpServer start(UnixServerOptions options) throws IOException {
        return UnixHttpServer.start(socket, core, options, log::add);
    }

    private SocketChannel connect() throws IOException {
        return SocketChannel.open(UnixDomainSocketAddress.of(socket));
    }

    private static void send(SocketChannel ch, String text) throws IOException {
        OutputStream out = Channels.newOutputStream(ch);
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void servesMetricsWithContentTypeAndLength() throws IOException {
        try (UnixHttpServer s = start(FAST); SocketChannel ch = connect()) {
            send(ch, "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawResponses.Response r = RawResponses.parse(Channels.newInputStream(ch), false);
            assertEquals(200, r.status());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().get("content-type"));
            assertEquals(String.valueOf(sample.length), r.headers().get("content-length"));
            assertArrayEquals(sample, r.body().getBytes(StandardCharsets.UTF_8));
            assertEquals(socket, s.socketPath());
        }
    }

    @Test
    void keepsTheConnectionForASecondRequestAfterHead() throws IOException {
        try (UnixHttpServer _ = start(FAST); SocketChannel ch = connect()) {
            InputStream in = Channels.newInputStream(ch);
            send(ch, "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
            RawResponses.Response head = RawResponses.parse(in, true);
            assertEquals(String.valueOf(sample.length), head.headers().get("content-length"));
            send(ch, "GET /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\n\r\n");
            RawResponses.Response pid = RawResponses.parse(in, false);
            assertEquals("99", pid.body());
            send(ch, "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            RawResponses.Response notFound = RawResponses.parse(in, false);
            assertEquals(404, notFound.status());
            assertEquals("close", notFound.headers().get("connection"));
            assertEquals(-1, in.read());
        }
    }

    @Test
    void answersOversizedRequestLineWith414AndCloses() throws IOException {
        try (UnixHttpServer _ = start(FAST); SocketChannel ch = connect()) {
            send(ch, "GET /" + "a".repeat(Http11Reader.MAX_REQUEST_LINE_BYTES) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            InputStream in = Channels.newInputStream(ch);
            RawResponses.Response r = RawResponses.parse(in, false);
            assertEquals(414, r.status());
            assertEquals("414 Request URI Too Long: request line exceeds 8192 bytes", r.body());
            assertEquals(-1, in.read());
        }
    }

    @Test
    void answersOversizedHeadersWith431() throws IOException {
        try (UnixHttpServer _ = start(FAST); SocketChannel ch = connect()) {
            send(ch, "GET / HTTP/1.1\r\nHost: x\r\n" + ("X-Big: " + "v".repeat(1000) + "\r\n").repeat(17) + "\r\n");
            RawResponses.Response r = RawResponses.parse(Channels.newInputStream(ch), false);
            assertEquals(431, r.status());
            assertEquals("431 Request Header Fields Too Large: header section exceeds 16384 bytes", r.body());
        }
    }

    @Test
    void cutsOffAClientTricklingOneByteAtATime() throws Exception {
        try (UnixHttpServer _ = start(FAST); SocketChannel ch = connect()) {
            String request = "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n";
            long start = System.nanoTime();
            boolean cut = false;
            for (int i = 0; i < request.length() && !cut; i++) {
                try {
                    send(ch, request.substring(i, i + 1));
                } catch (IOException e) {
                    cut = true;
                }
                Thread.sleep(100);
            }
            // Whether or not the last write failed, the server has closed: reading gives EOF, or
            // ECONNRESET when the server closed with trickled bytes still unread in its buffer.
            ch.configureBlocking(true);
            try {
                assertEquals(-1, Channels.newInputStream(ch).read());
            } catch (IOException e) {
                assertEquals("Connection reset", e.getMessage());
            }
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4), "the deadline cut the request off");
        }
    }

    @Test
    void closesAConnectionIdleLongerThanTheIdleTimeout() throws IOException {
        try (UnixHttpServer _ = start(FAST); SocketChannel ch = connect()) {
            assertEquals(-1, Channels.newInputStream(ch).read());
        }
    }

    @Test
    void serves50ConcurrentRequests() throws Exception {
        try (UnixHttpServer _ = start(UnixServerOptions.DEFAULTS);
             ExecutorService pool = Executors.newFixedThreadPool(50)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                results.add(pool.submit(() -> {
                    try (SocketChannel ch = connect()) {
                        send(ch, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                        RawResponses.Response r = RawResponses.parse(Channels.newInputStream(ch), false);
                        return r.body().length() == new String(sample, StandardCharsets.UTF_8).length() ? r.status() : -1;
                    }
                }));
            }
            for (Future<Integer> f : results) {
                assertEquals(200, f.get(30, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void answers503OverTheConnectionCap() throws IOException {
        UnixServerOptions one = new UnixServerOptions(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), 1);
        try (UnixHttpServer _ = start(one); SocketChannel first = connect(); SocketChannel second = connect()) {
            RawResponses.Response r = RawResponses.parse(Channels.newInputStream(second), false);
            assertEquals(503, r.status());
            assertEquals("503 Service Unavailable: too many connections (limit 1)", r.body());
            send(first, "GET /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("99", RawResponses.parse(Channels.newInputStream(first), false).body());
        }
    }

    @Test
    void makesTheSocketWorldWritableAndRemovesItOnClose() throws IOException {
        UnixHttpServer s = start(FAST);
        assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        s.close();
        assertFalse(Files.exists(socket));
        assertThrows(IOException.class, this::connect);
    }

    @Test
    void replacesAStaleSocketFile() throws IOException {
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket), "closing a channel leaves its socket file behind");
        try (UnixHttpServer _ = start(FAST); SocketChannel ch = connect()) {
            send(ch, "GET /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("99", RawResponses.parse(Channels.newInputStream(ch), false).body());
        }
        assertTrue(log.contains("unix socket: removing stale socket file " + socket + " (connection refused)"), log.toString());
    }

    @Test
    void refusesToTakeOverALiveSocket() throws IOException {
        try (UnixHttpServer _ = start(FAST)) {
            IOException e = assertThrows(IOException.class, () -> start(FAST));
            assertEquals("cannot listen on unix domain socket \"" + socket
                    + "\": another server is listening on it (address already in use)", e.getMessage());
            try (SocketChannel ch = connect()) {
                send(ch, "GET /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("99", RawResponses.parse(Channels.newInputStream(ch), false).body());
            }
        }
    }

    @Test
    void refusesAPathThatIsNotASocket() throws IOException {
        Files.writeString(socket, "data");
        IOException e = assertThrows(IOException.class, () -> start(FAST));
        assertEquals("cannot listen on unix domain socket \"" + socket + "\": the path exists and is not a socket",
                e.getMessage());
        assertEquals("data", Files.readString(socket));
    }

    @Test
    void refusesAPathLongerThanTheLimit() throws IOException {
        assertEquals(106, UnixSocketServer.MAX_PATH_BYTES);
        String name = "s".repeat(UnixSocketServer.MAX_PATH_BYTES - dir.toString().length() - 1);
        Path fits = dir.resolve(name);
        assertEquals(106, fits.toString().length());
        UnixHttpServer.start(fits, core, FAST, log::add).close();
        Path tooLong = dir.resolve(name + "x");
        IOException e = assertThrows(IOException.class, () -> UnixHttpServer.start(tooLong, core, FAST, log::add));
        assertEquals("cannot listen on unix domain socket \"" + tooLong + "\": the path is 107 bytes long, the limit is 106 "
                + "bytes (sun_path holds 108 bytes); use a shorter path", e.getMessage());
    }

    @Test
    void closeEndsIdleKeepAliveConnectionsAtOnce() throws IOException {
        UnixServerOptions slow = new UnixServerOptions(Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(60), 4);
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            UnixHttpServer s = start(slow);
            ch.connect(UnixDomainSocketAddress.of(socket));
            send(ch, "GET /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\n\r\n");
            InputStream in = Channels.newInputStream(ch);
            assertEquals("99", RawResponses.parse(in, false).body());
            long start = System.nanoTime();
            s.close();
            assertEquals(-1, in.read());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
        }
    }

    @Test
    void closeLetsABusyRequestFinishWithConnectionClose() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        MetricsSource slow = (q, out) -> {
            entered.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write("# slow\n".getBytes(StandardCharsets.UTF_8));
        };
        Router slowCore = new Router(ServerSettings.of("/run/runsc", 99), slow, () -> false, log::add);
        UnixHttpServer s = UnixHttpServer.start(socket, slowCore, UnixServerOptions.DEFAULTS, log::add);
        try (SocketChannel ch = connect()) {
            send(ch, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(entered.await(20, TimeUnit.SECONDS));
            Thread closer = Thread.ofVirtual().start(s::close);
            assertFalse(closer.join(Duration.ofMillis(300)), "close waits for the running request");
            assertFalse(Files.exists(socket), "the socket file goes first, as upstream");
            release.countDown();
            RawResponses.Response r = RawResponses.parse(Channels.newInputStream(ch), false);
            assertEquals(200, r.status());
            assertEquals("# slow\n", r.body());
            assertEquals("close", r.headers().get("connection"));
            assertTrue(closer.join(Duration.ofSeconds(20)));
        } finally {
            release.countDown();
            s.close();
        }
    }

    private static boolean curlExists() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "curl"))) {
                return true;
            }
        }
        return false;
    }

    private String curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--max-time", "20",
                "--unix-socket", socket.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.replaceAll("Date: [^\r]*\r\n", "");
    }

    @Test
    void worksWithCurlUnixSocket() throws Exception {
        assumeTrue(curlExists(), "curl is not installed");
        try (UnixHttpServer _ = start(UnixServerOptions.DEFAULTS)) {
            assertEquals(new String(sample, StandardCharsets.UTF_8), curl("http://localhost/metrics"));
            assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                    + "Content-Length: " + sample.length + "\r\n\r\n", curl("--head", "http://localhost/metrics"));
            assertEquals("runsc-metrics:OK", curl("--data", "root=/run/runsc", "http://localhost/runsc-metrics/healthcheck"));
            assertEquals("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n"
                    + "Content-Length: 15\r\n\r\npath not found\n", curl("--include", "http://localhost/metrics/"));
            assertEquals("99" + "99", curl("http://localhost/runsc-metrics/pid", "http://localhost/runsc-metrics/pid"));
            assertEquals(new String(sample, StandardCharsets.UTF_8),
                    curl("http://localhost/metrics%3Frunsc-sandbox-metrics-filter%3Dfs_"));
        }
    }
}
