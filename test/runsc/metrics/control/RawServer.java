// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import runsc.metrics.json.JsonFramer;
import runsc.metrics.json.JsonLimits;

/**
 * A bare urpc peer for client tests: records each request's bytes, answers with whatever bytes the
 * test sets, then closes the connection or keeps it open as told.
 */
final class RawServer implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Path socket;
    private final BlockingQueue<byte[]> requests = new LinkedBlockingQueue<>();
    private volatile byte[] reply = new byte[0];
    private volatile boolean closeAfterReply = true;

    RawServer(Path socket) throws IOException {
        this.socket = socket;
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread.ofVirtual().start(this::acceptLoop);
    }

    void reply(byte[] bytes, boolean closeAfter) {
        reply = bytes.clone();
        closeAfterReply = closeAfter;
    }

    byte[] nextRequest() throws InterruptedException {
        byte[] r = requests.poll(10, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no request within 10 s");
        }
        return r;
    }

    private void acceptLoop() {
        while (true) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (IOException e) {
                return;
            }
            Thread.ofVirtual().start(() -> serve(c));
        }
    }

    private void serve(SocketChannel c) {
        try (c) {
            JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT);
            ByteBuffer buf = ByteBuffer.allocate(4096);
            byte[] seen = new byte[0];
            while (!framer.complete()) {
                int n = c.read(buf.clear());
                if (n < 0) {
                    return;
                }
                int used = framer.feed(buf.array(), 0, n);
                int old = seen.length;
                seen = Arrays.copyOf(seen, old + used);
                System.arraycopy(buf.array(), 0, seen, old, used);
            }
            requests.add(seen);
            ByteBuffer out = ByteBuffer.wrap(reply);
            while (out.hasRemaining()) {
                c.write(out);
            }
            if (!closeAfterReply) {
                while (c.read(buf.clear()) >= 0) {
                    // Keep the connection open until the client closes it.
                }
            }
        } catch (IOException e) {
            // The client went away.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
    }
}
