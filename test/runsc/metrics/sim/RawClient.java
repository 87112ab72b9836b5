// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import runsc.metrics.json.JsonFramer;
import runsc.metrics.json.JsonLimits;

/** A plain socket client for checking the simulator byte by byte, as the captures were taken. */
final class RawClient implements AutoCloseable {
    /** What arrived: the bytes, and whether the server closed the connection. */
    record Received(String text, boolean eof) { }

    private final SocketChannel channel;
    private final Selector selector;

    RawClient(Path socket) throws IOException {
        channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        channel.configureBlocking(false);
        selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
    }

    void send(String s) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** Sends, then returns the first complete JSON value that comes back (or what came before EOF or {@code max}). */
    Received call(String request, Duration max) throws IOException {
        send(request);
        return read(max, true);
    }

    /** Sends, then returns everything that arrives within {@code wait} or until EOF. */
    Received exchange(String request, Duration wait) throws IOException {
        send(request);
        return read(wait, false);
    }

    /** Reads for {@code wait}, until EOF, or (if {@code oneValue}) until one JSON value is complete. */
    Received read(Duration wait, boolean oneValue) throws IOException {
        StringBuilder text = new StringBuilder();
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT);
        long deadline = System.nanoTime() + wait.toNanos();
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        while (true) {
            int n;
            try {
                n = channel.read(buf.clear());
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains("reset")) {
                    return new Received(text.toString(), true);
                }
                throw e;
            }
            if (n < 0) {
                return new Received(text.toString(), true);
            }
            if (n > 0) {
                text.append(new String(buf.array(), 0, n, StandardCharsets.UTF_8));
                if (oneValue) {
                    framer.feed(buf.array(), 0, n);
                    if (framer.complete()) {
                        return new Received(text.toString(), false);
                    }
                }
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return new Received(text.toString(), false);
            }
            selector.select(Math.max(1, left / 1_000_000));
            selector.selectedKeys().clear();
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }
}
