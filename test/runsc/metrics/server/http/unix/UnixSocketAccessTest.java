// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.unix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.server.config.SocketAccess;
import runsc.metrics.server.config.TransportLimits;
import runsc.metrics.server.http.RawResponses;
import runsc.metrics.server.http.Router;
import runsc.metrics.testing.Proc;
import runsc.metrics.testing.ProcResult;
import runsc.metrics.testing.ScratchDir;
import runsc.metrics.testing.Tools;

/**
 * Who may use the Unix socket, with real {@code curl --unix-socket} clients running as other users
 * ({@code setpriv}): the socket's mode and group, and the allow-list checked against
 * {@code SO_PEERCRED}. Needs root.
 */
class UnixSocketAccessTest {
    private static final String ROOT = "/run/runsc";
    private static final String HEALTH = "http://localhost/runsc-metrics/healthcheck?root=" + ROOT;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private ScratchDir dir;
    private Path socket;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run clients as other users");
        Tools.assume("setpriv", "util-linux");
        Tools.assume("curl", "curl");
        dir = ScratchDir.create("rm");
        // The other users must reach the socket through its directory.
        Files.setPosixFilePermissions(dir.path(), PosixFilePermissions.fromString("rwxr-xr-x"));
        socket = dir.resolve("m.sock");
    }

    @AfterEach
    void tearDown() throws IOException {
        if (dir != null) {
            dir.close();
        }
    }

    private UnixHttpServer start(SocketAccess access) throws IOException {
        Router router = new Router(ServerConfig.of(ROOT, socket.toString(), "runsc_", 8), (q, out) -> out.write('x'),
                () -> false, log::add);
        return UnixHttpServer.start(socket, TransportLimits.DEFAULTS, access, router, log::add);
    }

    /** {@code curl} as another user: the status code (000 if it could not connect) after the body. */
    private ProcResult curl(String user, String group) throws IOException {
        return Proc.run(List.of("setpriv", "--reuid=" + user, "--regid=" + group, "--clear-groups",
                "curl", "--silent", "--max-time", "10", "--write-out", "\n%{http_code}",
                "--unix-socket", socket.toString(), HEALTH));
    }

    private static String status(ProcResult r) {
        String out = r.stdout();
        return out.substring(out.lastIndexOf('\n') + 1);
    }

    private static String body(ProcResult r) {
        String out = r.stdout();
        return out.substring(0, out.lastIndexOf('\n'));
    }

    private int rootStatus() throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            Channels.newOutputStream(ch).write(("GET /runsc-metrics/healthcheck?root=" + ROOT
                    + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return RawResponses.parse(Channels.newInputStream(ch), false).status();
        }
    }

    @Test
    void theDefaultIsUpstreamsWorldWritableSocket() throws Exception {
        try (UnixHttpServer _ = start(SocketAccess.UPSTREAM)) {
            assertEquals("rwxrwxrwx", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS)));
            ProcResult r = curl("nobody", "nogroup");
            assertEquals("200", status(r), r::describe);
            assertEquals("runsc-metrics:OK", body(r));
        }
    }

    @Test
    void modeAndGroupKeepOtherUsersOut() throws Exception {
        SocketAccess access = new SocketAccess(0660, Optional.of(SocketAccess.parseGroup("daemon")), Set.of(), Set.of());
        try (UnixHttpServer _ = start(access)) {
            assertEquals("rw-rw----", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS)));
            assertEquals("daemon", Files.getAttribute(socket, "posix:group", LinkOption.NOFOLLOW_LINKS).toString());
            ProcResult member = curl("daemon", "daemon");
            assertEquals("200", status(member), member::describe);
            ProcResult other = curl("nobody", "nogroup");
            // curl's "couldn't connect": the kernel refuses the connect (EACCES) before the server sees it.
            assertEquals("000", status(other), other::describe);
            assertEquals(7, other.exitCode(), other::describe);
            assertEquals(200, rootStatus());
        }
    }

    @Test
    void theAllowListLetsInNamedUsersAndGroupsAndRootAndRefusesOthersWith403() throws Exception {
        SocketAccess access = new SocketAccess(0777, Optional.empty(), SocketAccess.parseUsers("daemon"),
                SocketAccess.parseGroups("65534"));
        try (UnixHttpServer _ = start(access)) {
            ProcResult user = curl("daemon", "daemon");
            assertEquals("200", status(user), user::describe);
            assertEquals("runsc-metrics:OK", body(user));

            ProcResult group = curl("bin", "nogroup");
            assertEquals("200", status(group), group::describe);

            ProcResult refused = curl("nobody", "daemon");
            assertEquals("403", status(refused), refused::describe);
            assertEquals("403 Forbidden: user nobody (group daemon) is not allowed to use this socket", body(refused));
            assertTrue(log.contains("unix socket: forbidden: user nobody (group daemon) is not allowed to use "
                    + socket), log::toString);

            assertEquals(200, rootStatus(), "root is always allowed");
        }
    }
}
