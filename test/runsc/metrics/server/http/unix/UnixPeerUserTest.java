// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.unix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
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
import runsc.metrics.server.http.RawResponses;
import runsc.metrics.server.http.Router;
import runsc.metrics.testing.ScratchDir;

/**
 * The cap per peer user with real clients of other users: the socket is 0777, so any local user
 * can try to take every slot. Needs root (to run clients as {@code nobody} and {@code daemon}),
 * {@code setpriv}, {@code socat} and {@code curl}.
 */
class UnixPeerUserTest {
    private static final String ROOT = "/run/runsc";
    private static final String NOBODY_REFUSED = "unix socket: refusing a connection: "
            + "too many connections from user nobody (limit " + TransportLimits.DEFAULT_MAX_CONNECTIONS_PER_USER + ")";

    private final List<String> log = new CopyOnWriteArrayList<>();
    private Path dir;
    private Path socket;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run clients as other users");
        for (String tool : List.of("setpriv", "socat", "curl")) {
            assumeTrue(onPath(tool), tool + " is not installed");
        }
        dir = Files.createTempDirectory(Path.of("/tmp"), "rm");
        // The other users must reach the socket.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        socket = dir.resolve("m.sock");
    }

    @AfterEach
    void tearDown() throws IOException {
        if (dir == null) {
            return;
        }
        ScratchDir.deleteTree(dir);
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private static Process asUser(String user, String group, String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + group, "--clear-groups"));
        cmd.addAll(List.of(command));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    @Test
    void oneUserHoldingStalledConnectionsLeavesRoomForRootAndOtherUsers() throws Exception {
        // A header deadline longer than the test: only the share per user can let the others in. The
        // clients end by themselves after 30 s, whatever happens to this test.
        Duration longer = Duration.ofSeconds(60);
        TransportLimits limits = TransportLimits.DEFAULTS.withTimeouts(longer, longer, longer, Duration.ofSeconds(5));
        Router router = new Router(ServerConfig.of(ROOT, socket.toString(), "runsc_", 8), (q, out) -> out.write('x'),
                () -> false, log::add);
        try (UnixHttpServer _ = UnixHttpServer.start(socket, limits, SocketAccess.UPSTREAM, router, log::add)) {
            int attempts = TransportLimits.DEFAULT_MAX_CONNECTIONS;
            Process holder = asUser("nobody", "nogroup", "sh", "-c", "i=0; while [ $i -lt " + attempts + " ]; do "
                    + "(printf G; sleep 30) | socat -u - UNIX-CONNECT:" + socket + " 2>/dev/null & i=$((i+1)); done; "
                    + "echo started; wait");
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("started", out.readLine());
                int expected = attempts - TransportLimits.DEFAULT_MAX_CONNECTIONS_PER_USER;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (refusals() < expected && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(expected, refusals(), "connections of nobody refused beyond its share");

                try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                    Channels.newOutputStream(ch).write(("GET /runsc-metrics/healthcheck?root=" + ROOT
                            + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    RawResponses.Response r = RawResponses.parse(Channels.newInputStream(ch), false);
                    assertEquals(200, r.status(), "root: " + r.body());
                    assertEquals("runsc-metrics:OK", r.body());
                }

                Process other = asUser("daemon", "daemon", "curl", "--silent", "--show-error", "--max-time", "20",
                        "--unix-socket", socket.toString(), "http://localhost/runsc-metrics/healthcheck?root=" + ROOT);
                String answer = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(other.waitFor(30, TimeUnit.SECONDS));
                assertEquals("runsc-metrics:OK", answer, "another user");
            } finally {
                // The clients first, while they are still the shell's descendants.
                holder.descendants().forEach(ProcessHandle::destroy);
                holder.destroy();
                assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
            }
        }
    }

    private long refusals() {
        return log.stream().filter(NOBODY_REFUSED::equals).count();
    }
}
