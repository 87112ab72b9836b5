// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import runsc.metrics.sim.ReplyScript;
import runsc.metrics.sim.SandboxOptions;
import runsc.metrics.sim.ScriptedReply;
import runsc.metrics.sim.SimulatedSandbox;

/** The heap set aside for replies: the caps of one reply, the capacity shared by replies in flight. */
class ReplyMemoryTest {
    /** What {@code Runtime.maxMemory()} gives under the launcher's default -Xmx48m with SerialGC. */
    private static final long DEFAULT_IMAGE_HEAP = 48_693_248;

    private Path root;
    private SimulatedSandbox sandbox;

    @BeforeEach
    void makeRoot() throws IOException {
        root = Files.createTempDirectory(Path.of("/tmp"), "rm");
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (sandbox != null) {
            sandbox.close();
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static long in(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** A valid reply with an empty snapshot, padded with blanks to exactly {@code size} bytes. */
    static byte[] paddedReply(int size) {
        String head = "{\"success\":true,\"err\":\"\",\"result\":{\"snapshot\":{\"when\":\"" + Instant.now() + "\",\"data\":[]}}";
        String tail = "}";
        int pad = size - head.length() - tail.length();
        assertTrue(pad >= 0, "size too small: " + size);
        return (head + " ".repeat(pad) + tail).getBytes(StandardCharsets.US_ASCII);
    }

    /** A reply of {@code numbers} JSON numbers in one array, padded with blanks to {@code size} bytes. */
    static byte[] numbersReply(int numbers, int size) {
        StringBuilder sb = new StringBuilder("{\"success\":true,\"err\":\"\",\"result\":[");
        for (int i = 0; i < numbers; i++) {
            sb.append(i == 0 ? "1" : ",1");
        }
        sb.append("]");
        sb.append(" ".repeat(Math.max(0, size - sb.length() - 1))).append('}');
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private Path serve(byte[] reply) throws IOException {
        sandbox = SimulatedSandbox.start(root, SandboxOptions.of("big", "addr")
                .withReplyScript(ReplyScript.sequence(List.of(new ScriptedReply.Raw(reply)))));
        return sandbox.recorded().socketPath();
    }

    @Test
    void theLaunchersDefaultHeapKeepsTheFullCapsAndAReplyAtBothCapsFits() {
        ReplyMemory m = ReplyMemory.forHeap(DEFAULT_IMAGE_HEAP);
        assertEquals(1 << 20, m.maxReplyBytes());
        assertEquals(1 << 16, m.maxReplyValues());
        assertEquals(DEFAULT_IMAGE_HEAP / 3, m.capacity());
        long atBothCaps = ReplyMemory.cost(m.maxReplyBytes(), m.maxReplyValues());
        assertTrue(atBothCaps <= m.capacity() - m.capacity() / 4, atBothCaps + " > " + (m.capacity() - m.capacity() / 4));
    }

    @Test
    void aSmallHeapShrinksTheCapsSoThatAReplyAtBothCapsStillFits() {
        ReplyMemory m = ReplyMemory.forHeap(16 << 20);
        assertTrue(m.maxReplyBytes() < 1 << 20, "bytes " + m.maxReplyBytes());
        assertTrue(m.maxReplyValues() < 1 << 16, "values " + m.maxReplyValues());
        assertTrue(ReplyMemory.cost(m.maxReplyBytes(), m.maxReplyValues()) <= m.capacity() - m.capacity() / 4);
    }

    @Test
    void aReplyOfExactlyTheByteCapIsDecodedAndOneByteMoreIsRefusedNamingSandboxAndSize() throws IOException {
        ControlClient client = new ControlClient(ReplyMemory.forHeap(DEFAULT_IMAGE_HEAP));
        Path socket = serve(paddedReply(1 << 20));
        assertEquals(0, client.exportMetrics("big", socket, "", in(10_000)).data().size());
        sandbox.close();
        Path over = serve(paddedReply((1 << 20) + 1));
        ControlException e = assertThrows(ControlException.class, () -> client.exportMetrics("big", over, "", in(10_000)));
        assertEquals(ControlException.Kind.PROTOCOL, e.kind());
        assertTrue(e.getMessage().startsWith("sandbox big: reading reply from " + over
                + ": value is larger than the limit of 1048576 bytes at "), e.getMessage());
    }

    @Test
    void aReplyWithMoreValuesThanTheCapIsRefusedBeforeItIsParsed() throws IOException {
        ReplyMemory memory = ReplyMemory.forHeap(DEFAULT_IMAGE_HEAP);
        ControlClient client = new ControlClient(memory);
        Path socket = serve(numbersReply(70_000, 200_000));
        ControlException e = assertThrows(ControlException.class,
                () -> client.call("big", socket, "Metrics.Export", runsc.metrics.json.JsonNull.INSTANCE, in(10_000)));
        assertEquals(ControlException.Kind.PROTOCOL, e.kind());
        assertTrue(e.getMessage().startsWith("sandbox big: reply to Metrics.Export from " + socket
                + " has more than 65536 JSON values, the limit, in its first "), e.getMessage());
        assertEquals(0, memory.reserved(), "the charge ends with the call");
    }

    @Test
    void aLargeReplyThatDoesNotFitWhatIsLeftFailsAndTheChargeEndsWithTheCall() throws IOException {
        // 8 MiB in all, 6 MiB for large replies; another reply holds 5 MiB of it.
        ReplyMemory memory = new ReplyMemory(8 << 20, 1 << 20, 1 << 20);
        ControlClient client = new ControlClient(memory);
        Path socket = serve(numbersReply(30_000, 100_000));
        try (ReplyMemory.Reservation other = memory.reserve("other")) {
            other.cover("reply", 0, (5 << 20) / (int) ReplyMemory.COST_PER_VALUE);
            ControlException e = assertThrows(ControlException.class,
                    () -> client.call("big", socket, "Metrics.Export", runsc.metrics.json.JsonNull.INSTANCE, in(10_000)));
            assertTrue(e.getMessage().startsWith("sandbox big: reply to Metrics.Export from " + socket + " needs about "),
                    e.getMessage());
            assertTrue(e.getMessage().contains("more than is left of the 8192 KiB set aside for replies in flight"),
                    e.getMessage());
            assertEquals(5L << 20, memory.reserved());
        }
        assertEquals(0, memory.reserved());
        // Alone, the same reply fits.
        assertTrue(client.call("big", socket, "Metrics.Export", runsc.metrics.json.JsonNull.INSTANCE, in(10_000))
                instanceof runsc.metrics.json.JsonArray);
    }

    @Test
    void aSmallReplyMayUseTheQuarterThatLargeOnesLeave() throws IOException {
        ReplyMemory memory = new ReplyMemory(8 << 20, 1 << 20, 1 << 20);
        ControlClient client = new ControlClient(memory);
        Path socket = serve(paddedReply(4 << 10));
        try (ReplyMemory.Reservation large = memory.reserve("large")) {
            large.cover("reply", 0, (6 << 20) / (int) ReplyMemory.COST_PER_VALUE);
            ControlException e = assertThrows(ControlException.class, () -> large.cover("reply", 0, (6 << 20) / 80 + 1));
            assertTrue(e.getMessage().startsWith("sandbox large: reply needs about "), e.getMessage());
            assertEquals(0, client.exportMetrics("big", socket, "", in(10_000)).data().size());
        }
    }
}
