// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shared pool of exchange buffers, and the framer and blocking reader that borrow from it. */
class ScratchBuffersTest {
    private static final JsonLimits POOLING = JsonLimits.DEFAULT.withMaxBytes(ScratchBuffers.MAX_KEPT);

    /** Tests run one at a time: empty the pool so that counts start from zero. */
    @BeforeEach
    void emptyThePool() {
        while (ScratchBuffers.kept() > 0) {
            ScratchBuffers.take();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void handsOutKeptArraysAndKeepsABoundedNumberOfTheRightSize() {
        byte[] fresh = ScratchBuffers.take();
        assertEquals(ScratchBuffers.SIZE, fresh.length);
        ScratchBuffers.give(fresh);
        assertEquals(1, ScratchBuffers.kept());
        assertSame(fresh, ScratchBuffers.take());
        assertEquals(0, ScratchBuffers.kept());
        ScratchBuffers.give(new byte[ScratchBuffers.SIZE - 1]);
        ScratchBuffers.give(new byte[ScratchBuffers.MAX_KEPT + 1]);
        assertEquals(0, ScratchBuffers.kept(), "too small or too large: left to the collector");
        for (int i = 0; i < ScratchBuffers.SLOTS + 3; i++) {
            ScratchBuffers.give(new byte[ScratchBuffers.MAX_KEPT]);
        }
        assertEquals(ScratchBuffers.SLOTS, ScratchBuffers.kept());
    }

    @Test
    void aFramerHoldsABufferOnlyWhileAValueIsOpen() throws JsonException {
        JsonFramer framer = new JsonFramer(POOLING);
        byte[] one = utf8("{\"name\":\"first\",\"int\":12}");
        framer.feed(one, 0, 3);
        ScratchBuffers.give(new byte[ScratchBuffers.SIZE]);
        assertEquals(1, ScratchBuffers.kept(), "the framer holds its own buffer");
        framer.feed(one, 3, one.length - 3);
        assertEquals(Json.parse(one), framer.take());
        assertEquals(2, ScratchBuffers.kept(), "given back once parsed");
        byte[] two = utf8("[1,2]");
        framer.feed(two, 0, two.length);
        assertEquals(1, ScratchBuffers.kept(), "taken again for the next value");
        assertEquals(Json.parse(two), framer.take());
        assertEquals(2, ScratchBuffers.kept());
    }

    @Test
    void valuesDoNotShareTheBufferThatIsReusedAfterThem() throws JsonException {
        JsonFramer framer = new JsonFramer(POOLING);
        String longText = "x".repeat(300); // longer than the shared string cache keeps
        byte[] first = utf8("{\"text\":\"" + longText + "\",\"n\":123456789}");
        framer.feed(first, 0, first.length);
        JsonValue parsed = framer.take();
        byte[] second = utf8("{\"text\":\"" + "y".repeat(300) + "\",\"n\":987654321}");
        framer.feed(second, 0, second.length);
        framer.take();
        assertEquals(Json.parse(first), parsed);
    }

    @Test
    void aLimitFailureGivesTheBufferBackAndStillFailsAtTheLimit() throws JsonException {
        JsonFramer framer = new JsonFramer(POOLING);
        ScratchBuffers.give(new byte[ScratchBuffers.MAX_KEPT]); // a full-size buffer must not lift the limit
        byte[] big = utf8("[" + "1,".repeat(ScratchBuffers.MAX_KEPT) + "1]");
        JsonException e = assertThrows(JsonException.class, () -> framer.feed(big, 0, big.length));
        assertEquals("value is larger than the limit of " + ScratchBuffers.MAX_KEPT + " bytes", e.problem());
        assertEquals(0, framer.buffered());
        assertEquals(1, ScratchBuffers.kept());
    }

    @Test
    void aFramerWithALimitBelowTheKeptSizeNeverBorrows() throws JsonException {
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT.withMaxBytes(ScratchBuffers.MAX_KEPT - 1));
        ScratchBuffers.give(new byte[ScratchBuffers.MAX_KEPT]);
        byte[] big = utf8("\"" + "z".repeat(ScratchBuffers.MAX_KEPT) + "\"");
        JsonException e = assertThrows(JsonException.class, () -> framer.feed(big, 0, big.length));
        assertEquals("value is larger than the limit of " + (ScratchBuffers.MAX_KEPT - 1) + " bytes", e.problem());
        assertEquals(1, ScratchBuffers.kept(), "the pool's buffer was not taken");
    }

    @Test
    void aValueLargerThanTheKeptSizeParsesAndItsGrownBufferIsNotKept() throws JsonException {
        JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT);
        List<String> elements = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            elements.add("\"e" + i + "\"");
        }
        byte[] big = utf8("[" + String.join(",", elements) + "]");
        assertTrue(big.length > ScratchBuffers.MAX_KEPT);
        framer.feed(big, 0, big.length);
        assertEquals(Json.parse(big), framer.take());
        assertEquals(0, ScratchBuffers.kept());
    }

    @Test
    void aBlockingReadGivesItsChunkBackOnEveryPath() throws IOException {
        byte[] reply = utf8("{\"success\":true,\"err\":\"\",\"result\":{\"a\":[1,2,3]}}");
        Pipe pipe = Pipe.open();
        pipe.sink().write(ByteBuffer.wrap(reply));
        assertEquals(Json.parse(reply), JsonChannelReader.readBlocking(pipe.source(), new JsonFramer(JsonLimits.DEFAULT)));
        assertEquals(2, ScratchBuffers.kept(), "the read chunk and the framer's buffer");
        pipe.sink().write(ByteBuffer.wrap(utf8("{\"cut\":")));
        pipe.sink().close();
        JsonFramer cut = new JsonFramer(JsonLimits.DEFAULT);
        assertThrows(EOFException.class, () -> JsonChannelReader.readBlocking(pipe.source(), cut));
        assertEquals(7, cut.buffered(), "the caller still learns how much had arrived");
        assertEquals(1, ScratchBuffers.kept(), "the chunk came back; the framer keeps its open value's buffer");
        pipe.source().close();
    }

    @Test
    void framersOfManyThreadsNeverShareABuffer() throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < 8; t++) {
            int id = t;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    JsonFramer framer = new JsonFramer(JsonLimits.DEFAULT);
                    for (int i = 0; i < 2000; i++) {
                        String text = "{\"thread\":" + id + ",\"i\":" + i + ",\"pad\":\"" + "p".repeat(200 + id) + "\"}";
                        byte[] bytes = utf8(text);
                        for (int at = 0; at < bytes.length; at += 64) {
                            framer.feed(bytes, at, Math.min(64, bytes.length - at));
                            Thread.yield();
                        }
                        JsonValue v = framer.take();
                        if (!v.equals(Json.parse(text))) {
                            throw new AssertionError("thread " + id + " value " + i + " came back as " + v);
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void aBlockingReadHandsTheCompleteValueToItsTaker() throws IOException {
        Pipe pipe = Pipe.open();
        pipe.sink().write(ByteBuffer.wrap(utf8("{\"k\":\"v\"}")));
        JsonFramer.BytesDecoder<String> length = (bytes, offset, n) -> "taken " + n;
        JsonChannelReader.Taker<String> taker = framer -> framer.takeIf(length);
        assertEquals("taken 9", JsonChannelReader.readBlocking(pipe.source(), new JsonFramer(JsonLimits.DEFAULT),
                framer -> { }, taker));
        pipe.sink().write(ByteBuffer.wrap(utf8(" 12")));
        pipe.sink().close();
        JsonFramer scalar = new JsonFramer(JsonLimits.DEFAULT);
        JsonChannelReader.Taker<JsonValue> parse = JsonFramer::take;
        assertEquals(new JsonNumber("12"), JsonChannelReader.readBlocking(pipe.source(), scalar, framer -> { }, parse),
                "a top-level number completes at the end of the stream and goes to the taker too");
        assertEquals(2, ScratchBuffers.kept());
        pipe.source().close();
    }
}
