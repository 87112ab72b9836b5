// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import runsc.metrics.json.JsonChannelReader;
import runsc.metrics.json.JsonException;
import runsc.metrics.json.JsonLimits;
import runsc.metrics.json.JsonValue;

/**
 * One urpc exchange on a fresh connection: connect, write the request, read exactly one JSON value,
 * close. Every step is non-blocking and waits on a selector, so one deadline bounds the whole
 * exchange: a Unix {@code connect(2)} normally completes at once, but a blocking one waits for room in
 * a full listen backlog, which a stalled sandbox never makes; non-blocking, that case either
 * completes later (waited for here) or fails at once with EAGAIN. The channel is closed on every
 * path, which is what frees a sandbox that keeps the connection open.
 */
final class UrpcTransport {
    private UrpcTransport() {}

    static JsonValue exchange(String sandboxId, Path socket, String method, byte[] request, JsonLimits limits,
                              long deadlineNanos) throws ControlException {
        long budgetMillis = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
        SocketLink link;
        try {
            link = SocketLink.to(socket);
        } catch (IOException | RuntimeException e) {
            throw new ControlException(sandboxId, ControlException.Kind.CONNECT, "connecting to " + socket
                    + ": cannot make a short link to this long socket path: " + e.getMessage(), null, e);
        }
        try (link; SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.configureBlocking(false);
            connect(sandboxId, socket, channel, link, deadlineNanos, budgetMillis);
            write(sandboxId, socket, method, channel, request, deadlineNanos, budgetMillis);
            try {
                return JsonChannelReader.read(channel, limits, deadlineNanos);
            } catch (SocketTimeoutException e) {
                throw new ControlException(sandboxId, ControlException.Kind.TIMEOUT, "no reply to " + method
                        + " from " + socket + " within " + budgetMillis + " ms: " + e.getMessage(), null, e);
            } catch (EOFException e) {
                throw new ControlException(sandboxId, ControlException.Kind.TRANSPORT,
                        "reading reply from " + socket + ": " + e.getMessage(), null, e);
            } catch (JsonException e) {
                throw new ControlException(sandboxId, ControlException.Kind.PROTOCOL,
                        "reading reply from " + socket + ": " + e.getMessage(), null, e);
            } catch (IOException e) {
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

    private static void connect(String sandboxId, Path socket, SocketChannel channel, SocketLink link,
                                long deadlineNanos, long budgetMillis) throws ControlException {
        try {
            if (channel.connect(link.address())) {
                return;
            }
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
        } catch (ControlException e) {
            throw e;
        } catch (IOException e) {
            throw new ControlException(sandboxId, ControlException.Kind.CONNECT,
                    "connecting to " + socket + ": " + e.getMessage(), null, e);
        }
    }

    private static void write(String sandboxId, Path socket, String method, SocketChannel channel, byte[] request,
                              long deadlineNanos, long budgetMillis) throws ControlException {
        ByteBuffer buffer = ByteBuffer.wrap(request);
        try (Selector selector = Selector.open()) {
            SelectionKey key = null;
            while (buffer.hasRemaining()) {
                if (channel.write(buffer) > 0) {
                    continue;
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    throw new ControlException(sandboxId, ControlException.Kind.TIMEOUT, "sending " + method
                            + " to " + socket + ": not sent within " + budgetMillis + " ms", null, null);
                }
                if (key == null) {
                    key = channel.register(selector, SelectionKey.OP_WRITE);
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                selector.selectedKeys().clear();
            }
            if (key != null) {
                key.cancel();
            }
        } catch (ControlException e) {
            throw e;
        } catch (IOException e) {
            throw new ControlException(sandboxId, ControlException.Kind.TRANSPORT,
                    "sending " + method + " to " + socket + ": " + e.getMessage(), null, e);
        }
    }
}
