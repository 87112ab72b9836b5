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

    private static long in(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void sendsTheRequestBytesRunscSendsAndDecodesTheRealReply() throws Exception {
        for (EventCaptures.Capture c : EventCaptures.all()) {
            // The real sandbox keeps the connection open after replying: the reply must be framed.
            server.reply(c.reply().getBytes(StandardCharsets.US_ASCII), false);
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
        server.reply("{\"success\":false,\"err\":\"container \\\"nope\\\" not found\",\"result\":null}"
                .getBytes(StandardCharsets.US_ASCII), false);
        ControlException e = assertThrows(ControlException.class, () -> client.containerStats("sb", sock, "nope", in(5000)));
        assertEquals(ControlException.Kind.REMOTE, e.kind());
        assertEquals("sandbox sb: containerManager.Event failed: container \"nope\" not found", e.getMessage());
    }

    @Test
    void aMalformedReplyIsAProtocolErrorNamingTheSandboxSocketAndPath() {
        server.reply("{\"success\":true,\"err\":\"\",\"result\":{\"event\":{\"id\":\"c1\",\"data\":{\"pids\":{\"current\":-3}}}}}"
                .getBytes(StandardCharsets.US_ASCII), false);
        ControlException e = assertThrows(ControlException.class, () -> client.containerStats("sb7", sock, "c1", in(5000)));
        assertEquals(ControlException.Kind.PROTOCOL, e.kind());
        assertEquals("sandbox sb7: bad reply to containerManager.Event from " + sock
                + ": result.event.data.pids.current: -3 is not a count (an integer from 0 to 9223372036854775807)",
                e.getMessage());
    }

    @Test
    void aReplyThatNeverCompletesTimesOutAtTheDeadline() {
        String reply = EventCaptures.named("single").reply();
        server.reply(reply.substring(0, reply.length() - 1).getBytes(StandardCharsets.US_ASCII), false);
        long t0 = System.nanoTime();
        ControlException e = assertThrows(ControlException.class, () -> client.containerStats("sb", sock, "ev1", in(300)));
        assertEquals(ControlException.Kind.TIMEOUT, e.kind());
        assertTrue(e.getMessage().startsWith("sandbox sb: no reply to containerManager.Event from " + sock + " within "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("(" + (reply.length() - 1) + " bytes received)"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20), "the deadline ended the read");
    }

    @Test
    void aReplyOverTheSizeCapIsRefused() {
        ControlClient small = new ControlClient(100, 64);
        server.reply(EventCaptures.named("single").reply().getBytes(StandardCharsets.US_ASCII), false);
        ControlException e = assertThrows(ControlException.class, () -> small.containerStats("sb", sock, "ev1", in(5000)));
        assertEquals(ControlException.Kind.PROTOCOL, e.kind());
        assertTrue(e.getMessage().contains("larger than the limit of 100 bytes"), e.getMessage());
    }

    @Test
    void cpuOfTheRealSingleContainerIsTheSandboxsAccountingWithoutAHostCgroup() throws Exception {
        server.reply(EventCaptures.named("single").reply().getBytes(StandardCharsets.US_ASCII), false);
        ContainerStats stats = client.containerStats("sb", sock, "ev1", in(5000));
        assertEquals(20_000_000L, stats.cpuNanos(OptionalLong.empty()));
        assertEquals(391_207_795L, stats.cpuNanos(OptionalLong.of(391_207_795L)),
                "one container gets all of the host cgroup's usage");
    }
}
