// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runsc.metrics.testing.EventCaptures;

/** {@link ControlClient#containerStats} against a bare peer that answers with the real captured bytes. */
class ContainerStatsCallTest {
    private final ControlClient client = new ControlClient();
    @TempDir
    Path root;
    private Path sock;
    private RawServer server;

    @BeforeEach
    void start() throws IOException {
        sock = root.resolve("raw.sock");
        server = new RawServer(sock);
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    /** The peer's next reply, after which it keeps the connection open as a real sandbox does. */
    private void answer(String reply) {
        server.reply(reply.getBytes(StandardCharsets.US_ASCII), false);
    }

    /** How {@code c}'s stats call for a container fails, with a deadline {@code millis} from now. */
    private ControlException failure(ControlClient c, String sandbox, String container, long millis) {
        return assertThrows(ControlException.class, () -> c.containerStats(sandbox, sock, container, in(millis)));
    }

    private static long in(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void sendsTheRequestBytesRunscSendsAndDecodesTheRealReply() throws Exception {
        for (EventCaptures.Capture c : EventCaptures.all()) {
            // The real sandbox keeps the connection open after replying: the reply must be framed.
            answer(c.reply());
            ContainerStats stats = client.containerStats("sb", sock, c.containerId(), in(5000));
            assertEquals(c.request(), new String(server.nextRequest(), StandardCharsets.US_ASCII), c.name());
            assertEquals(c.containerId(), stats.containerId());
            assertEquals(1, stats.pids().current(), c.name());
            assertEquals(List.of("lo"), stats.network().stream().map(ContainerStats.Interface::name).toList());
        }
    }

    @Test
    void anUnknownContainerIsTheSandboxsError() {
        // What gVisor's loader answers for an ID it does not run (runsc/boot/loader.go findProcessLocked).
        answer("{\"success\":false,\"err\":\"container \\\"nope\\\" not found\",\"result\":null}");
        ControlException e = failure(client, "sb", "nope", 5000);
        assertEquals(ControlException.Kind.REMOTE, e.kind());
        assertEquals("sandbox sb: containerManager.Event failed: container \"nope\" not found", e.getMessage());
    }

    @Test
    void aMalformedReplyIsAProtocolErrorNamingTheSandboxSocketAndPath() {
        answer("{\"success\":true,\"err\":\"\",\"result\":{\"event\":{\"id\":\"c1\",\"data\":{\"pids\":{\"current\":-3}}}}}");
        ControlException e = failure(client, "sb7", "c1", 5000);
        assertEquals(ControlException.Kind.PROTOCOL, e.kind());
        assertEquals("sandbox sb7: bad reply to containerManager.Event from " + sock
                + ": result.event.data.pids.current: -3 is not a count (an integer from 0 to 9223372036854775807)",
                e.getMessage());
    }

    @Test
    void aReplyThatNeverCompletesTimesOutAtTheDeadline() {
        String reply = EventCaptures.named("single").reply();
        answer(reply.substring(0, reply.length() - 1));
        long t0 = System.nanoTime();
        ControlException e = failure(client, "sb", "ev1", 300);
        assertEquals(ControlException.Kind.TIMEOUT, e.kind());
        assertTrue(e.getMessage().startsWith("sandbox sb: no reply to containerManager.Event from " + sock + " within "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("(" + (reply.length() - 1) + " bytes received)"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20), "the deadline ended the read");
    }

    @Test
    void aReplyOverTheSizeCapIsRefused() {
        ControlClient small = new ControlClient(100, 64);
        answer(EventCaptures.named("single").reply());
        ControlException e = failure(small, "sb", "ev1", 5000);
        assertEquals(ControlException.Kind.PROTOCOL, e.kind());
        assertTrue(e.getMessage().contains("larger than the limit of 100 bytes"), e.getMessage());
    }

    @Test
    void cpuOfTheRealSingleContainerIsTheSandboxsAccountingWithoutAHostCgroup() throws Exception {
        answer(EventCaptures.named("single").reply());
        ContainerStats stats = client.containerStats("sb", sock, "ev1", in(5000));
        assertEquals(20_000_000L, stats.cpuNanos(OptionalLong.empty()));
        assertEquals(391_207_795L, stats.cpuNanos(OptionalLong.of(391_207_795L)),
                "one container gets all of the host cgroup's usage");
    }
}
