// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import runsc.metrics.json.JsonChannelReader;
import runsc.metrics.json.JsonException;
import runsc.metrics.json.JsonFramer;
import runsc.metrics.json.JsonLimits;
import runsc.metrics.json.JsonValue;

/**
 * One urpc exchange on a fresh connection: connect, write the request, read exactly one JSON value,
 * close. One deadline bounds the whole exchange. The connect is non-blocking: a Unix
 * {@code connect(2)} normally completes at once, but a blocking one waits for room in a full listen
 * backlog, which a stalled sandbox never makes; non-blocking, that case fails at once with EAGAIN
 * and is retried here until the deadline. Writing and reading then block, and a
 * {@link DeadlineWatch} closes the channel when the deadline passes, which ends either at once (no
 * selector per exchange). The channel is closed on every path, which is what frees a sandbox that
 * keeps the connection open.
 */
final class UrpcTransport {
    /** strerror(EAGAIN), the JDK's message when a non-blocking Unix connect finds the backlog full. */
    static final String BACKLOG_FULL = "Resource temporarily unavailable";

    private UrpcTransport() {}

    /**
     * Opens and closes an unconnected Unix socket and starts the deadline timer, which initialises
     * the JDK's side of both; see {@link ControlClient#prepare()}. Failures are left to the real
     * exchange.
     */
    static void prepare() {
        DeadlineWatch.prepare();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            // Nothing prepared; the exchange will meet and report the same problem.
        }
    }

    static JsonValue exchange(String sandboxId, Path socket, String method, byte[] request, JsonLimits limits,
                              ReplyMemory.Reservation memory, long deadlineNanos) throws ControlException {
        return exchange(sandboxId, socket, method, request, limits, memory, deadlineNanos, JsonFramer::take);
    }

    /** As above, with the reply taken from the framer by {@code taker} (a reader of one shape, or the parse). */
    static <T> T exchange(String sandboxId, Path socket, String method, byte[] request, JsonLimits limits,
                          ReplyMemory.Reservation memory, long deadlineNanos, JsonChannelReader.Taker<T> taker)
            throws ControlException {
        long budgetMillis = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
        SocketLink link;
        try {
            link = SocketLink.to(socket);
        } catch (IOException | RuntimeException e) {
            throw new ControlException(sandboxId, ControlException.Kind.CONNECT, "connecting to " + socket
                    + ": cannot make a short link to this long socket path: " + e.getMessage(), null, e);
        }
        try (link; SocketChannel channel = connect(sandboxId, socket, link, deadlineNanos, budgetMillis);
             DeadlineWatch watch = DeadlineWatch.start(channel, deadlineNanos)) {
            write(sandboxId, socket, method, channel, request, watch, budgetMillis);
            JsonFramer framer = new JsonFramer(limits);
            String what = "reply to " + method + " from " + socket;
            try {
                // Charged before the bytes are parsed: the parse is what needs the memory.
                return JsonChannelReader.readBlocking(channel, framer,
                        f -> memory.cover(what, f.buffered(), f.values()), taker);
            } catch (ControlException e) {
                throw e;
            } catch (JsonException e) {
                throw new ControlException(sandboxId, ControlException.Kind.PROTOCOL,
                        "reading reply from " + socket + ": " + e.getMessage(), null, e);
            } catch (IOException e) {
                if (watch.expired()) {
                    throw new ControlException(sandboxId, ControlException.Kind.TIMEOUT, "no reply to " + method
                            + " from " + socket + " within " + budgetMillis + " ms: no complete JSON value before the"
                            + " deadline (" + framer.buffered() + " bytes received)", null, e);
                }
                // EOF (the sandbox closed early) or a failed read.
                throw new ControlException(sandboxId, ControlException.Kind.TRANSPORT,
                        "reading reply from " + socket + ": " + e.getMessage(), null, e);
            }
        } catch (ControlException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Opening, configuring or closing the channel, or removing the link.
            throw new ControlException(sandboxId, ControlException.Kind.TRANSPORT,
                    "calling " + method + " on " + socket + ": " + e, null, e);
        }
    }

    /**
     * Connects without blocking. A full listen backlog makes a non-blocking Unix connect fail with
     * EAGAIN rather than wait; that is retried with a short pause until the deadline, as a blocking
     * connect would have waited.
     */
    private static SocketChannel connect(String sandboxId, Path socket, SocketLink link, long deadlineNanos,
                                         long budgetMillis) throws ControlException {
        long pauseMillis = 1;
        while (true) {
            SocketChannel channel = null;
            try {
                channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                channel.configureBlocking(false);
                if (!channel.connect(link.address())) {
                    finishConnect(sandboxId, socket, channel, deadlineNanos, budgetMillis);
                }
                return channel;
            } catch (ControlException e) {
                closeQuietly(channel, e);
                throw e;
            } catch (IOException e) {
                closeQuietly(channel, e);
                long left = deadlineNanos - System.nanoTime();
                if (BACKLOG_FULL.equals(e.getMessage()) && left > 0) {
                    sleep(sandboxId, socket, Math.min(pauseMillis, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
                    pauseMillis = Math.min(pauseMillis * 2, 50);
                    continue;
                }
                throw new ControlException(sandboxId, BACKLOG_FULL.equals(e.getMessage())
                        ? ControlException.Kind.TIMEOUT : ControlException.Kind.CONNECT,
                        "connecting to " + socket + ": " + e.getMessage(), null, e);
            }
        }
    }

    private static void finishConnect(String sandboxId, Path socket, SocketChannel channel, long deadlineNanos,
                                      long budgetMillis) throws IOException {
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_CONNECT);
            while (!channel.finishConnect()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    throw new ControlException(sandboxId, ControlException.Kind.TIMEOUT, "connecting to "
                            + socket + ": not connected within " + budgetMillis + " ms", null, null);
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                selector.selectedKeys().clear();
            }
        }
    }

    private static void sleep(String sandboxId, Path socket, long millis) throws ControlException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(sandboxId, ControlException.Kind.TRANSPORT,
                    "connecting to " + socket + ": interrupted while waiting for room in the listen backlog", null, e);
        }
    }

    private static void closeQuietly(SocketChannel channel, Exception failure) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
    }

    private static void write(String sandboxId, Path socket, String method, SocketChannel channel, byte[] request,
                              DeadlineWatch watch, long budgetMillis) throws ControlException {
        ByteBuffer buffer = ByteBuffer.wrap(request);
        try {
            // Blocking from here on, bounded by the watch closing the channel at the deadline (which
            // may already have passed while connecting: then this fails as a timeout too).
            channel.configureBlocking(true);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            if (watch.expired()) {
                throw new ControlException(sandboxId, ControlException.Kind.TIMEOUT, "sending " + method
                        + " to " + socket + ": not sent within " + budgetMillis + " ms", null, e);
            }
            throw new ControlException(sandboxId, ControlException.Kind.TRANSPORT,
                    "sending " + method + " to " + socket + ": " + e.getMessage(), null, e);
        }
    }
}
