// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.io.TempDir;

/** Which inherited sockets the server takes over, and the errors for those it cannot serve. */
class SocketActivationTest {
    @TempDir
    Path dir;

    private ServerSocketChannel unixListener(Path path) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(path));
        return channel;
    }

    @Test
    void noInheritedChannelOrNoListenerMeansBindAsUsual() throws IOException {
        assertTrue(SocketActivation.listener(null, "/run/m.sock").isEmpty());
        Pipe pipe = Pipe.open();
        try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel _ = pipe.sink()) {
            assertTrue(SocketActivation.listener(source, "/run/m.sock").isEmpty(), "a pipe on fd 0 is no socket activation");
        }
    }

    @Test
    void takesTheUnixSocketOfTheConfiguredPath() throws IOException {
        Path socket = dir.resolve("m.sock");
        try (ServerSocketChannel channel = unixListener(socket)) {
            assertSame(channel, SocketActivation.listener(channel, socket.toString()).orElseThrow());
        }
    }

    @Test
    void refusesAUnixSocketOfAnotherPathNamingBoth() throws IOException {
        Path socket = dir.resolve("m.sock");
        try (ServerSocketChannel channel = unixListener(socket)) {
            IOException e = assertThrows(IOException.class,
                    () -> SocketActivation.listener(channel, dir.resolve("other.sock").toString()));
            assertTrue(e.getMessage().contains(socket.toString()) && e.getMessage().contains("other.sock"), e.getMessage());
            IOException tcp = assertThrows(IOException.class, () -> SocketActivation.listener(channel, "127.0.0.1:9100"));
            assertTrue(tcp.getMessage().contains("TCP address \"127.0.0.1:9100\""), tcp.getMessage());
        }
    }

    @Test
    void refusesAnInheritedTcpSocketSayingWhy() throws IOException {
        try (ServerSocketChannel channel = ServerSocketChannel.open()) {
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            IOException e = assertThrows(IOException.class, () -> SocketActivation.listener(channel, "127.0.0.1:9100"));
            assertEquals(true, e.getMessage().contains("only a Unix socket can be inherited"), e.getMessage());
        }
    }

    @Test
    void aProcessStartedWithoutASocketInheritsNone() throws IOException {
        // The test JVM's fd 0 is whatever started it, never a listening socket.
        assertTrue(SocketActivation.inherited("/run/m.sock").isEmpty());
        assertTrue(Files.isDirectory(dir));
    }
}
