// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.unix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.server.config.SocketAccess;
import runsc.metrics.server.config.TransportLimits;
import runsc.metrics.server.http.Router;

/** A socket bound by another process (systemd's socket activation) is served as found and left in place. */
class AdoptedSocketTest {
    private final List<String> log = new CopyOnWriteArrayList<>();
    private Path dir;
    private Path socket;
    private Router router;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "as");
        socket = dir.resolve("a.sock");
        router = new Router(ServerConfig.of("/run/runsc", "test", "runsc_", 8), (q, out) -> out.write("x 1\n".getBytes(StandardCharsets.UTF_8)),
                () -> false, log::add);
    }

    @AfterEach
    void tearDown() throws IOException {
        Files.deleteIfExists(socket);
        Files.deleteIfExists(dir);
    }

    @Test
    void servesTheBoundSocketKeepsItsModeAndLeavesTheFile() throws IOException {
        ServerSocketChannel bound = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        bound.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        try (UnixHttpServer server = UnixHttpServer.adopt(bound, TransportLimits.DEFAULTS, SocketAccess.UPSTREAM, router, log::add)) {
            assertEquals(socket, server.socketPath());
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)),
                    "the binder's mode (SocketMode=0660) stays; a bound socket is not made 0777");
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                OutputStream out = Channels.newOutputStream(ch);
                out.write("GET /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                String reply = new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(reply.startsWith("HTTP/1.1 200 "), reply);
                assertTrue(reply.endsWith("\r\n\r\n" + ProcessHandle.current().pid()), reply);
            }
        }
        assertTrue(Files.exists(socket), "the socket file belongs to whoever bound it (systemd removes it)");
        assertTrue(!bound.isOpen(), "closing the server closes the adopted channel");
    }
}
