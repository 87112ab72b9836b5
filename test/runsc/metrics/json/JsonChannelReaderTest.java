// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reader against a real peer over a connected pair of UNIX-domain stream sockets. */
class JsonChannelReaderTest {
    /** Far enough away that reaching it means the reader waited for something it should not have. */
    private static final long NEVER_MILLIS = 60_000;
    /** Slack allowed past a deadline before the reader counts as having blocked past it. */
    private static final long LATE_MILLIS = 2_000;

    private Path dir;
    private ServerSocketChannel server;
    private SocketChannel ours;
    private SocketChannel peer;
    private Thread peerThread;

    @BeforeEach
    void connect() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "rm"); // short: socket paths must stay under 108 bytes
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("s"));
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(address);
        ours = SocketChannel.open(address);
        peer = server.accept();
    }

    @AfterEach
    void close() throws Exception {
        ours.close();
        peer.close();
        server.close();
        if (peerThread != null) {
            peerThread.join(TimeUnit.SECONDS.toMillis(30));
        }
        Files.deleteIfExists(dir.resolve("s"));
        Files.delete(dir);
    }

    @Test
    void returnsAValueAtOnceWhileThePeerKeepsTheConnectionOpen() throws IOException {
        send("{\"success\":true,\"err\":\"\",\"result\":2}");
        JsonValue reply = JsonChannelReader.read(ours, JsonLimits.DEFAULT, deadline(NEVER_MILLIS));
        assertEquals("{\"success\":true,\"err\":\"\",\"result\":2}", Json.write(reply));
        assertTrue(peer.isOpen() && ours.isOpen());
    }

    @Test
    void returnsAValueThatArrivesInPieces() throws IOException {
        sendInPieces(100, "{\"success\":", "true,\"err\":\"\",", "\"result\":null}");
        JsonValue reply = JsonChannelReader.read(ours, JsonLimits.DEFAULT, deadline(NEVER_MILLIS));
        assertEquals("{\"success\":true,\"err\":\"\",\"result\":null}", Json.write(reply));
    }

    @Test
    void readBlockingReturnsAValueThatArrivesInPiecesWithoutWaitingForEof() throws IOException {
        sendInPieces(50, "{\"success\":", "true,\"result\":\"" + "x".repeat(20_000) + "\"} trailing");
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT);
        JsonValue reply = JsonChannelReader.readBlocking(ours, framer);
        assertEquals(20_000, ((JsonString) ((JsonObject) reply).get("result")).value().length());
        assertTrue(peer.isOpen() && ours.isOpen());
    }

    @Test
    void readBlockingEndsAtOnceWhenAnotherThreadClosesTheChannel() throws Exception {
        send("{\"success\":tr");
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT);
        long start = System.nanoTime();
        peerThread = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(200);
                ours.close(); // what the control client's deadline watch does
            } catch (IOException | InterruptedException e) {
                // the read then blocks and the assertion below fails
            }
        });
        assertThrows(java.nio.channels.AsynchronousCloseException.class, () -> JsonChannelReader.readBlocking(ours, framer));
        assertEquals(13, framer.buffered(), "the caller can still say how much had arrived");
        assertOnTime(start, 200);
    }

    @Test
    void readBlockingGivesEofWhenThePeerClosesMidValue() throws IOException {
        send("[1,2");
        peer.close();
        EOFException e = assertThrows(EOFException.class,
                () -> JsonChannelReader.readBlocking(ours, new JsonFramer(JsonLimits.DEFAULT)));
        assertEquals("connection closed after 4 bytes, before the JSON value was complete", e.getMessage());
    }

    @Test
    void timesOutAtTheDeadlineWhenThePeerSendsHalfAValueAndStalls() throws IOException {
        send("{\"success\":tr");
        assertEquals("no complete JSON value before the deadline (13 bytes received)", timeOutAfter(300));
    }

    @Test
    void timesOutWhenThePeerSendsNothing() {
        assertEquals("no complete JSON value before the deadline (0 bytes received)", timeOutAfter(200));
    }

    @Test
    void timesOutWhenThePeerTricklesBytesForever() {
        peerThread = Thread.ofPlatform().start(() -> {
            try {
                send("[");
                while (true) {
                    send("1,");
                    Thread.sleep(5);
                }
            } catch (IOException | InterruptedException e) {
                // our side closed: stop
            }
        });
        timeOutAfter(300);
    }

    @Test
    void givesEofWhenThePeerClosesMidValue() throws IOException {
        send("{\"a\":1");
        assertEquals("connection closed after 6 bytes, before the JSON value was complete", eofOnceThePeerCloses());
    }

    @Test
    void givesEofWhenThePeerClosesBeforeSendingAnything() throws IOException {
        assertEquals("connection closed before a JSON value arrived", eofOnceThePeerCloses());
    }

    @Test
    void endsATopLevelNumberAtEndOfStream() throws IOException {
        send("42");
        peer.close();
        assertEquals(new JsonNumber("42"), JsonChannelReader.read(ours, JsonLimits.DEFAULT, deadline(NEVER_MILLIS)));
    }

    @Test
    void endsATopLevelNumberAtTheNextByteWhileTheConnectionStaysOpen() throws IOException {
        send("42\n");
        assertEquals(new JsonNumber("42"), JsonChannelReader.read(ours, JsonLimits.DEFAULT, deadline(NEVER_MILLIS)));
    }

    @Test
    void reportsMalformedJsonAsSoonAsTheValueCloses() throws IOException {
        send("{\"success\":yes}");
        JsonException e = assertThrows(JsonException.class,
                () -> JsonChannelReader.read(ours, JsonLimits.DEFAULT, deadline(NEVER_MILLIS)));
        assertEquals("unexpected character 'y', expecting a value at line 1, column 12 (path $.success): near \"yes}\"",
                e.getMessage());
    }

    @Test
    void cutsOffAHundredMegabyteStreamAtTheSizeLimit() throws Exception {
        AtomicLong sent = new AtomicLong();
        peerThread = Thread.ofPlatform().start(() -> {
            byte[] chunk = new byte[64 << 10];
            for (int i = 0; i < chunk.length; i += 2) {
                chunk[i] = '1';
                chunk[i + 1] = ',';
            }
            try {
                send("[");
                sent.addAndGet(1);
                while (sent.get() < 100L << 20) {
                    ByteBuffer b = ByteBuffer.wrap(chunk);
                    while (b.hasRemaining()) {
                        sent.addAndGet(peer.write(b));
                    }
                }
            } catch (IOException e) {
                // our side closed after the limit: stop
            }
        });
        JsonException e = assertThrows(JsonException.class,
                () -> JsonChannelReader.read(ours, JsonLimits.DEFAULT, deadline(NEVER_MILLIS)));
        assertEquals("value is larger than the limit of 67108864 bytes", e.problem());
        assertEquals(JsonLimits.DEFAULT_MAX_BYTES + 1, e.column());
        // Byte 67108864 is the comma after the element at index 33554431.
        assertEquals("$[33554431]", e.path());
        ours.close();
        peerThread.join();
        assertTrue(sent.get() < 100L << 20, "the peer could send all " + sent.get() + " bytes");
    }

    @Test
    void honoursASmallerSizeLimit() throws IOException {
        byte[] reply = new byte[5000];
        Arrays.fill(reply, (byte) ' ');
        send(new String(reply, StandardCharsets.US_ASCII) + "1");
        JsonException e = assertThrows(JsonException.class,
                () -> JsonChannelReader.read(ours, JsonLimits.DEFAULT.withMaxBytes(4096), deadline(NEVER_MILLIS)));
        assertEquals("value is larger than the limit of 4096 bytes", e.problem());
    }

    @Test
    void honoursTheDepthLimit() throws IOException {
        send("[[[[1]]]]");
        JsonException e = assertThrows(JsonException.class,
                () -> JsonChannelReader.read(ours, JsonLimits.DEFAULT.withMaxDepth(3), deadline(NEVER_MILLIS)));
        assertEquals("nesting is deeper than the limit of 3 levels at line 1, column 4 (path $[0][0][0]): near \"[1]]]]\"",
                e.getMessage());
    }

    private void send(String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            peer.write(b);
        }
    }

    private static long deadline(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** The peer sends {@code pieces} from a thread of its own, {@code pauseMillis} apart. */
    private void sendInPieces(long pauseMillis, String... pieces) {
        peerThread = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < pieces.length; i++) {
                    if (i > 0) {
                        Thread.sleep(pauseMillis);
                    }
                    send(pieces[i]);
                }
            } catch (IOException | InterruptedException e) {
                // the test fails on its own if the value never completes
            }
        });
    }

    /** The peer closes its end; a read then fails with end of stream, whose message this returns. */
    private String eofOnceThePeerCloses() throws IOException {
        peer.close();
        return assertThrows(EOFException.class,
                () -> JsonChannelReader.read(ours, JsonLimits.DEFAULT, deadline(NEVER_MILLIS))).getMessage();
    }

    /** A read with a deadline {@code millis} from now times out on time; returns the message. */
    private String timeOutAfter(long millis) {
        long start = System.nanoTime();
        SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                () -> JsonChannelReader.read(ours, JsonLimits.DEFAULT, start + TimeUnit.MILLISECONDS.toNanos(millis)));
        assertOnTime(start, millis);
        return e.getMessage();
    }

    /** The read gave up no earlier than its deadline and not long after it. */
    private static void assertOnTime(long startNanos, long deadlineMillis) {
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        assertTrue(elapsed >= deadlineMillis, "gave up after " + elapsed + " ms, before the deadline");
        assertTrue(elapsed < deadlineMillis + LATE_MILLIS, "gave up after " + elapsed + " ms, long past the deadline");
    }
}
