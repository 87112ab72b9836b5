// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.unix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.server.config.SocketAccess;
import runsc.metrics.server.config.TransportLimits;
import runsc.metrics.server.http.RawResponses;
import runsc.metrics.server.http.RefusalBudget;
import runsc.metrics.server.http.Router;
import runsc.metrics.testing.ScratchDir;
import runsc.metrics.testing.Tools;

/**
 * Over the Unix socket a peer user whose refused requests used up its budget is answered 429 as
 * its connection is accepted, before any request byte and without a slot of the connection cap;
 * another user is served meanwhile (with root, {@code setpriv} and {@code curl}), and the user
 * itself once its bucket has refilled. The budget's clock is the test's.
 */
class RefusedAtAcceptUnixTest {
    private static final long SECOND = 1_000_000_000L;
    private static final String BAD_FILTER = "/metrics?" + Router.METRICS_FILTER_PARAM + "=%28";

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final AtomicLong now = new AtomicLong(10 * SECOND);
    private final RefusalBudget budget = new RefusalBudget(RefusalBudget.BURST, RefusalBudget.REFILL_PER_SECOND,
            RefusalBudget.MAX_CLIENTS, now::get);
    private Path dir;
    private Path socket;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "rm");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // for another user's client
        socket = dir.resolve("m.sock");
    }

    @AfterEach
    void tearDown() throws IOException {
        ScratchDir.deleteTree(dir);
    }

    private UnixHttpServer start() throws IOException {
        Router router = new Router(ServerConfig.of("/run/runsc", socket.toString(), "runsc_", 8),
                (q, out) -> out.write("x 1\n".getBytes(StandardCharsets.UTF_8)), List::of, () -> false, log::add, budget);
        return UnixHttpServer.start(socket, TransportLimits.DEFAULTS, SocketAccess.UPSTREAM, router, log::add);
    }

    private RawResponses.Response get(String target) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            Channels.newOutputStream(ch).write(("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return RawResponses.parse(Channels.newInputStream(ch), false);
        }
    }

    private static String me() {
        return "user " + System.getProperty("user.name");
    }

    @Test
    void aUserThatSpentItsBudgetGets429AtAcceptUntilTheRefill() throws Exception {
        try (UnixHttpServer _ = start()) {
            for (int i = 0; i < RefusalBudget.BURST; i++) {
                assertEquals(400, get(BAD_FILTER).status(), "bad filter " + i);
            }
            assertEquals(1, budget.retryAfterSeconds(me()), "the budget of " + me() + " is not spent");
            // More refused connections than the cap has slots, all held open by this side: each is
            // answered at accept and takes no slot.
            List<SocketChannel> held = new ArrayList<>();
            try {
                for (int i = 0; i < TransportLimits.DEFAULT_MAX_CONNECTIONS + 8; i++) {
                    SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                    held.add(ch);
                    byte[] answer = Channels.newInputStream(ch).readAllBytes();
                    RawResponses.Response r = RawResponses.parse(new ByteArrayInputStream(answer), false);
                    assertEquals(429, r.status(), r.body());
                    assertEquals("Too Many Requests", r.reason());
                    assertEquals("1", r.headers().get("retry-after"));
                    assertEquals("close", r.headers().get("connection"));
                }
                if (otherUserCanConnect()) {
                    Process other = new ProcessBuilder("setpriv", "--reuid=daemon", "--regid=daemon", "--clear-groups",
                            "curl", "--silent", "--show-error", "--fail", "--max-time", "20", "--unix-socket",
                            socket.toString(), "http://localhost/metrics").redirectErrorStream(true).start();
                    String answer = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertTrue(other.waitFor(30, TimeUnit.SECONDS));
                    assertEquals("x 1\n", answer, "another user beside the refused one");
                }
            } finally {
                for (SocketChannel ch : held) {
                    ch.close();
                }
            }
            assertTrue(log.stream().noneMatch(l -> l.startsWith("unix socket: refusing a connection")),
                    "a refused connection met the cap: " + log);
            now.addAndGet(SECOND);
            assertEquals(200, get("/metrics").status(), "not served after the refill");
        }
    }

    private static boolean otherUserCanConnect() {
        return "root".equals(System.getProperty("user.name")) && Tools.find("setpriv").isPresent()
                && Tools.find("curl").isPresent();
    }

    @Test
    void theHealthcheckOnAnOpenConnectionIsServedWhileOtherRoutesGet429() throws Exception {
        try (UnixHttpServer _ = start();
             SocketChannel open = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            var out = Channels.newOutputStream(open);
            var in = Channels.newInputStream(open);
            // A first answer: the connection has been accepted before the budget is spent.
            out.write("GET /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(200, RawResponses.parse(in, false).status());
            budget.charge(me(), RefusalBudget.BURST);
            out.write("GET /runsc-metrics/healthcheck?root=/run/runsc HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            RawResponses.Response health = RawResponses.parse(in, false);
            assertEquals(200, health.status(), health.body());
            out.write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            RawResponses.Response metrics = RawResponses.parse(in, false);
            assertEquals(429, metrics.status(), metrics.body());
            assertEquals("1", metrics.headers().get("retry-after"));
            assertEquals("close", metrics.headers().get("connection"));
            assertEquals(-1, in.read(), "the connection stayed open after the 429");
        }
    }
}
