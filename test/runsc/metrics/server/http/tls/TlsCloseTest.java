// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import runsc.metrics.server.config.TlsSettings;
import runsc.metrics.server.config.TlsSettings.ClientAuth;
import runsc.metrics.testing.TestCertificates;

/**
 * {@link TlsContext#close} against a client that holds its connection open and does nothing:
 * the close returns at once when it has nothing to send, within its bound when the client reads
 * nothing of what it is sent, and the client still gets a close_notify when it reads.
 */
class TlsCloseTest {
    /** Scheduling under load, on top of what a close may take. */
    private static final Duration SLACK = Duration.ofSeconds(2);
    /** The read timeout the relay keeps on a connection: what is left of its head or idle deadline. */
    private static final int READ_TIMEOUT_MILLIS = 30_000;
    @RegisterExtension
    static final TestCertificates certs = TestCertificates.perClass();

    private ServerSocket listener;
    private SSLSocket client;
    private Socket raw;
    private SSLSocket server;

    @BeforeEach
    void connect() throws Exception {
        TlsContext tls = TlsContext.load(new TlsSettings(certs.serverCert(), certs.serverKey(), Optional.empty(), ClientAuth.NONE),
                notice -> { });
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        client = (SSLSocket) certs.clientContext().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                listener.getLocalPort());
        client.setSoTimeout(20_000);
        Thread handshake = Thread.ofVirtual().start(() -> {
            try {
                client.startHandshake();
            } catch (IOException e) {
                // The server's handshake fails too, which fails the test.
            }
        });
        raw = listener.accept();
        server = tls.handshake(raw, System.nanoTime() + TimeUnit.SECONDS.toNanos(20));
        handshake.join();
        raw.setSoTimeout(READ_TIMEOUT_MILLIS);
    }

    @AfterEach
    void closeAll() throws IOException {
        for (Closeable c : List.<Closeable>of(listener, client, raw)) {
            c.close();
        }
    }

    @Test
    void returnsAtOnceWhenTheClientSendsNothingAndStillSendsCloseNotify() throws Exception {
        client.getOutputStream().write('G');
        client.getOutputStream().flush();
        assertEquals('G', server.getInputStream().read());
        assertTrue(closesWithin(SLACK), "the close waited on a silent client (its read timeout is " + READ_TIMEOUT_MILLIS
                + " ms) for longer than " + SLACK);
        assertTrue(raw.isClosed(), "the connection is closed");
        assertEquals(-1, client.getInputStream().read(), "the client reads a clean end (close_notify)");
    }

    @Test
    void dropsAClientThatReadsNothingWithinTheBound() throws Exception {
        Thread writer = Thread.ofVirtual().start(() -> {
            byte[] chunk = new byte[64 * 1024];
            try {
                OutputStream out = server.getOutputStream();
                while (true) {
                    out.write(chunk); // blocks once the socket buffers are full: the client reads nothing
                }
            } catch (IOException e) {
                // The close below ends the write.
            }
        });
        Thread.sleep(500); // the writer fills the buffers and blocks holding the connection's write lock
        Duration bound = TlsContext.CLOSE_BOUND.plus(SLACK);
        assertTrue(closesWithin(bound), "the close took longer than " + bound + " with a client that reads nothing");
        assertTrue(raw.isClosed(), "the connection is closed");
        assertTrue(writer.join(Duration.ofSeconds(5)), "the blocked write ended with the connection");
    }

    /** Closes the server's end on a thread of its own, so that a close that hangs fails the test instead of hanging it. */
    private boolean closesWithin(Duration bound) throws InterruptedException {
        return Thread.ofVirtual().start(() -> TlsContext.close(server, raw)).join(bound);
    }
}
