// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.unix;

import java.io.Closeable;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import runsc.metrics.server.config.SocketAccess;
import runsc.metrics.server.config.TransportLimits;
import runsc.metrics.server.http.RequestHandler;
import runsc.metrics.server.http.TransportContract;
import runsc.metrics.testing.ScratchDir;

/** The transport contract over a Unix socket, which applies every limit per server. */
class UnixTransportContractTest extends TransportContract {
    private Path dir;
    private Path socket;

    @BeforeEach
    void createDirectory() throws IOException {
        // Socket paths must stay short: a temp dir directly under /tmp.
        dir = Files.createTempDirectory(Path.of("/tmp"), "rm");
    }

    @AfterEach
    void deleteDirectory() throws IOException {
        ScratchDir.deleteTree(dir);
    }

    @Override
    protected Closeable startServer(TransportLimits limits, RequestHandler handler) throws IOException {
        socket = dir.resolve("m" + System.nanoTime() % 1000 + ".sock");
        return UnixHttpServer.start(socket, limits, SocketAccess.UPSTREAM, handler, log::add);
    }

    /** The user this test runs as, from the kernel's peer credentials. */
    @Override
    protected String client() {
        return "user " + System.getProperty("user.name");
    }

    @Override
    protected RawConnection connect() throws IOException {
        SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        return new RawConnection(Channels.newInputStream(ch), Channels.newOutputStream(ch), ch);
    }

    @Override
    protected TransportLimits effective(TransportLimits asked) {
        return asked;
    }

    @Override
    protected Outcome overTheCap(int cap) {
        return new Outcome.Answer(503, "503 Service Unavailable: too many connections (limit " + cap + ")");
    }

    @Override
    protected Outcome longRequestLine() {
        return new Outcome.Answer(414, "414 Request URI Too Long: request line exceeds 8192 bytes");
    }

    @Override
    protected Outcome largeHeaderSection() {
        return new Outcome.Answer(431, "431 Request Header Fields Too Large: header section exceeds 16384 bytes");
    }

    @Override
    protected Duration deadlineSlack() {
        return Duration.ofSeconds(2);
    }

    /** The header deadline runs from the accept. */
    @Override
    protected Duration silentConnectionDeadline(TransportLimits limits) {
        return limits.headerTimeout();
    }

    /** The reader refuses from the Content-Length alone, before reading the body. */
    @Override
    protected Outcome largeBody() {
        return new Outcome.Answer(413, "413 Request Entity Too Large: request body of 65537 bytes exceeds 65536 bytes");
    }
}
