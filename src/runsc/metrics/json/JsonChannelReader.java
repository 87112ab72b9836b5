// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;

/**
 * Reads exactly one JSON value from a channel, returning as soon as the value closes and never
 * waiting past a deadline.
 *
 * <p>The channel is switched to non-blocking mode and waited on with a {@link Selector}, so the wait
 * ends at the deadline even if the peer sends nothing at all; a blocking read could not be bounded
 * that way. Bytes the peer sends after the value are read and discarded: urpc replies are never
 * pipelined and callers close the connection after one exchange.
 */
public final class JsonChannelReader {
    private static final int READ_CHUNK = 16 << 10;

    private JsonChannelReader() {}

    /**
     * Reads one value from a channel in blocking mode. There is no deadline here: the caller bounds
     * the wait by closing the channel from another thread, which ends a blocked read at once.
     *
     * @param channel a channel in blocking mode
     * @param framer  a fresh framer with the size and depth caps; {@link JsonFramer#buffered()}
     *                tells the caller how much had arrived if the read fails
     * @return the value
     * @throws JsonException if the bytes are not valid JSON or break a limit
     * @throws EOFException  if the peer closes before the value is complete
     * @throws IOException   if reading fails, for example because the channel was closed
     */
    public static JsonValue readBlocking(ReadableByteChannel channel, JsonFramer framer) throws IOException {
        return readBlocking(channel, framer, f -> { });
    }

    /**
     * Reads one value from a channel in blocking mode, letting the caller check what has arrived
     * after every read, before the value is parsed (parsing is what costs memory).
     *
     * @param channel a channel in blocking mode
     * @param framer  a fresh framer with the size and depth caps
     * @param check   called after every read that fed bytes, with the framer; what it throws ends the read
     * @return the value
     * @throws JsonException if the bytes are not valid JSON or break a limit
     * @throws EOFException  if the peer closes before the value is complete
     * @throws IOException   if reading fails, or as {@code check} throws
     */
    public static JsonValue readBlocking(ReadableByteChannel channel, JsonFramer framer, ProgressCheck check)
            throws IOException {
        return readBlocking(channel, framer, check, JsonFramer::take);
    }

    /**
     * Reads one value from a channel in blocking mode, as {@link #readBlocking(ReadableByteChannel,
     * JsonFramer, ProgressCheck)} does, and hands the complete value to {@code taker} instead of
     * parsing it: a caller that expects one shape can read it without a tree
     * ({@link JsonFramer#takeIf}).
     *
     * @param <T>     what the taker makes of the value
     * @param channel a channel in blocking mode
     * @param framer  a fresh framer with the size and depth caps
     * @param check   called after every read that fed bytes, with the framer
     * @param taker   takes the complete value from the framer
     * @return what the taker made
     * @throws JsonException if the bytes are not valid JSON or break a limit
     * @throws EOFException  if the peer closes before the value is complete
     * @throws IOException   if reading fails, or as {@code check} throws
     */
    public static <T> T readBlocking(ReadableByteChannel channel, JsonFramer framer, ProgressCheck check,
                                     Taker<T> taker) throws IOException {
        // A chunk of at least 8 KiB from the shared pool: a typical sandbox reply is a few kilobytes,
        // larger ones take a few more reads, and a scrape reads one reply per sandbox.
        byte[] chunk = ScratchBuffers.take();
        try {
            ByteBuffer buffer = ByteBuffer.wrap(chunk);
            while (true) {
                buffer.clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    framer.endOfInput();
                    check.afterRead(framer);
                    return taker.take(completeAtEnd(framer));
                }
                framer.feed(chunk, 0, n);
                check.afterRead(framer);
                if (framer.complete()) {
                    return taker.take(framer);
                }
            }
        } finally {
            ScratchBuffers.give(chunk);
        }
    }

    /** Takes a complete value from its framer: {@link JsonFramer#take()}, or a reader of one shape. */
    @FunctionalInterface
    public interface Taker<T> {
        /**
         * Takes the value.
         *
         * @param framer a framer holding a complete value
         * @return what is made of it
         * @throws JsonException if the bytes are not valid JSON
         */
        T take(JsonFramer framer) throws JsonException;
    }

    /** A look at the bytes framed so far, between reads. */
    @FunctionalInterface
    public interface ProgressCheck {
        /**
         * Checks the framer's progress.
         *
         * @param framer the framer, with {@link JsonFramer#buffered()} and {@link JsonFramer#values()}
         * @throws IOException to end the read
         */
        void afterRead(JsonFramer framer) throws IOException;
    }

    /**
     * Reads one value.
     *
     * @param <C>            a selectable, readable channel such as a {@code SocketChannel}
     * @param channel        the channel; it is left in non-blocking mode
     * @param limits         size and depth caps, checked while reading
     * @param deadlineNanos  a {@link System#nanoTime()} value after which the read gives up
     * @return the value
     * @throws JsonException          if the bytes are not valid JSON or break a limit
     * @throws EOFException           if the peer closes before the value is complete
     * @throws SocketTimeoutException if the deadline passes first
     * @throws IOException            if reading fails
     */
    public static <C extends SelectableChannel & ReadableByteChannel> JsonValue read(
            C channel, JsonLimits limits, long deadlineNanos) throws IOException {
        JsonFramer framer = new JsonFramer(limits);
        ByteBuffer buffer = ByteBuffer.allocate(READ_CHUNK);
        channel.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (true) {
                buffer.clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    return atEndOfStream(framer);
                }
                if (n > 0) {
                    framer.feed(buffer.array(), 0, n);
                    if (framer.complete()) {
                        return framer.take();
                    }
                }
                // Checked after every read, so a peer that trickles bytes cannot keep us past the deadline.
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("no complete JSON value before the deadline ("
                            + framer.buffered() + " bytes received)");
                }
                if (n == 0) {
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                    selector.selectedKeys().clear();
                }
            }
        }
    }

    /** The peer closed: a top-level scalar is complete now; anything else is cut short. */
    private static JsonValue atEndOfStream(JsonFramer framer) throws IOException {
        return completeAtEnd(framer).take();
    }

    /** {@return the framer, once the peer has closed, if its value is complete} else the end is an error */
    private static JsonFramer completeAtEnd(JsonFramer framer) throws IOException {
        framer.endOfInput();
        if (framer.complete()) {
            return framer;
        }
        throw new EOFException(framer.buffered() == 0
                ? "connection closed before a JSON value arrived"
                : "connection closed after " + framer.buffered() + " bytes, before the JSON value was complete");
    }
}
