// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.unix;

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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.server.config.SocketAccess;
import runsc.metrics.server.config.TransportLimits;
import runsc.metrics.server.http.MetricsSource;
import runsc.metrics.server.http.RawResponses;
import runsc.metrics.server.http.Router;
import runsc.metrics.testing.ProjectFiles;
import runsc.metrics.testing.ScratchDir;

class UnixHttpServerTest {
    private static final Path SAMPLE = ProjectFiles.sample("upstream-metric-server-output.txt");
    private static final TransportLimits FAST = TransportLimits.DEFAULTS.withTimeouts(Duration.ofMillis(500),
            Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofSeconds(5));

    private static final String PID = Long.toString(ProcessHandle.current().pid());

    private final List<String> log = new CopyOnWriteArrayList<>();
    private Path dir;
    private Path socket;
    private byte[] sample;
    private Router router;

    @BeforeEach
    void setUp() throws IOException {
        // Socket paths must stay short: a temp dir directly under /tmp.
        dir = Files.createTempDirectory(Path.of("/tmp"), "rm");
        socket = dir.resolve("m.sock");
        sample = Files.readAllBytes(SAMPLE);
        MetricsSource source = (q, out) -> out.write(sample);
        router = new Router(ServerConfig.of("/run/runsc", "/run/m.sock", "runsc_", 8), source, () -> false, log::add);
    }

    @AfterEach
    void tearDown() throws IOException {
        ScratchDir.deleteTree(dir);
    }

    private UnixHttpServer start(TransportLimits limits) throws IOException {
        return UnixHttpServer.start(socket, limits, SocketAccess.UPSTREAM, router, log::add);
    }

    private SocketChannel connect() throws IOException {
        return SocketChannel.open(UnixDomainSocketAddress.of(socket));
    }

    private static void send(SocketChannel ch, String text) throws IOException {
        OutputStream out = Channels.newOutputStream(ch);
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /**
     * A refused connection is answered after its request, not before: curl, still checking its
     * connect when an answer and a close arrive first, reports that it could not connect.
     */
    @Test
    void aConnectionOverTheCapIsAnsweredAfterItsRequest() throws Exception {
        try (UnixHttpServer _ = start(TransportLimits.DEFAULTS.withMaxConnections(1)); SocketChannel held = connect()) {
            send(held, "GET /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, RawResponses.parse(Channels.newInputStream(held), false).status(), "the first is served");
            SocketChannel over = connect();
            // The server's grace starts after this connect: whatever arrives before it has run out
            // was sent without waiting for the request.
            long connected = System.nanoTime();
            over.configureBlocking(false);
            java.nio.ByteBuffer early = java.nio.ByteBuffer.allocate(64);
            for (int i = 0; i < 10; i++) {
                long before = System.nanoTime();
                int n = over.read(early);
                assertTrue(n == 0 || before - connected >= UnixSocketServer.REFUSAL_GRACE.toNanos(),
                        "an answer before the request was sent");
                Thread.sleep(20);
            }
            over.configureBlocking(true);
            send(over, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(503, RawResponses.parse(Channels.newInputStream(over), false).status());
            over.close();
        }
    }

    @Test
    void aPeerThatSendsNothingIsStillRefusedWhenTheGraceEnds() throws Exception {
        try (UnixHttpServer _ = start(TransportLimits.DEFAULTS.withMaxConnections(1));
             SocketChannel held = connect(); SocketChannel over = connect()) {
            long start = System.nanoTime();
            assertEquals(503, RawResponses.parse(Channels.newInputStream(over), false).status());
            assertTrue(System.nanoTime() - start >= UnixSocketServer.REFUSAL_GRACE.toNanos() / 2,
                    "answered before the grace for the request ended");
            assertTrue(held.isOpen());
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
    void closesAConnectionIdleLongerThanTheIdleTimeout() throws Exception {
        TransportLimits limits = FAST.withTimeouts(Duration.ofMillis(700), Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(5));
        try (UnixHttpServer _ = start(limits); SocketChannel ch = connect()) {
            send(ch, "GET /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\n\r\n");
            InputStream in = Channels.newInputStream(ch);
            assertEquals(PID, RawResponses.parse(in, false).body());
            long answered = System.nanoTime();
            assertEquals(-1, in.read());
            long idled = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answered);
            assertTrue(idled >= 600 && idled < 4000, "closed after " + idled + " ms idle");
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
            assertEquals(PID, RawResponses.parse(Channels.newInputStream(ch), false).body());
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
                assertEquals(PID, RawResponses.parse(Channels.newInputStream(ch), false).body());
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
        UnixHttpServer.start(fits, FAST, SocketAccess.UPSTREAM, router, log::add).close();
        Path tooLong = dir.resolve(name + "x");
        IOException e = assertThrows(IOException.class,
                () -> UnixHttpServer.start(tooLong, FAST, SocketAccess.UPSTREAM, router, log::add));
        assertEquals("cannot listen on unix domain socket \"" + tooLong + "\": the path is 107 bytes long, the limit is 106 "
                + "bytes (sun_path holds 108 bytes); use a shorter path", e.getMessage());
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
        try (UnixHttpServer _ = start(TransportLimits.DEFAULTS)) {
            assertEquals(new String(sample, StandardCharsets.UTF_8), curl("http://localhost/metrics"));
            assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                    + "Content-Length: " + sample.length + "\r\n\r\n", curl("--head", "http://localhost/metrics"));
            assertEquals("runsc-metrics:OK", curl("--data", "root=/run/runsc", "http://localhost/runsc-metrics/healthcheck"));
            assertEquals("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n"
                    + "Content-Length: 15\r\n\r\npath not found\n", curl("--include", "http://localhost/metrics/"));
            assertEquals(PID + PID, curl("http://localhost/runsc-metrics/pid", "http://localhost/runsc-metrics/pid"));
            assertEquals(new String(sample, StandardCharsets.UTF_8),
                    curl("http://localhost/metrics%3Frunsc-sandbox-metrics-filter%3Dfs_"));
        }
    }
}
