// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import runsc.metrics.exposition.Data;
import runsc.metrics.exposition.NumberValue;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.json.JsonNull;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.sim.Fault;
import runsc.metrics.sim.ReplyScript;
import runsc.metrics.sim.SandboxOptions;
import runsc.metrics.sim.ScriptedReply;
import runsc.metrics.sim.SimulatedSandbox;
import runsc.metrics.testing.ScratchDir;

class ControlClientTest {
    private static final long SHORT_MS = 300;

    private final ControlClient client = new ControlClient();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private Path root;

    @BeforeEach
    void makeRoot() throws IOException {
        root = Files.createTempDirectory(Path.of("/tmp"), "rm");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        ScratchDir.deleteTree(root);
    }

    private SimulatedSandbox sandbox(SandboxOptions options) throws IOException {
        SimulatedSandbox s = SimulatedSandbox.start(root, options);
        toClose.add(s);
        return s;
    }

    private SimulatedSandbox sandbox(String id, String fault) throws IOException {
        return sandbox(SandboxOptions.of(id, "addr").withSeed(7).withFault(Fault.parse(fault)).withHistogram());
    }

    private static long in(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void exportRoundTripGivesTheSimulatorsSeries() throws IOException {
        SimulatedSandbox s = sandbox(SandboxOptions.of("sb1", "addr").withSeed(7).withPod("web-0", "prod").withHistogram());
        Instant before = Instant.now();
        Snapshot snapshot = client.exportMetrics("sb1", s.recorded().socketPath(), "", in(5000));
        assertEquals(List.of("fs_opens", "fs_reads", "fs_writes", "gofer_opens_host", "netstack_tcp_current_open",
                "netstack_tcp_current_established", "unimplemented_syscalls", "fs_read_latency_nanoseconds"),
                snapshot.data().stream().map(d -> d.metric().name()).toList());
        Data opens = snapshot.data().get(0);
        assertEquals(2, opens.metric().typeCode());
        assertEquals("Files opened inside the sandbox.", opens.metric().help());
        assertEquals(NumberValue.ofInt(10), opens.number());
        assertEquals(Map.of("sysno", "63"), snapshot.data().get(6).labels());
        var histogram = snapshot.data().get(7).histogram();
        assertEquals(6, histogram.buckets().size());
        assertEquals(NumberValue.ZERO, histogram.buckets().get(0).upperBound());
        assertEquals(NumberValue.ofInt(1000), histogram.buckets().get(1).upperBound());
        assertEquals(NumberValue.ofFloat(Double.POSITIVE_INFINITY), histogram.buckets().get(5).upperBound());
        assertTrue(!snapshot.when().isBefore(before.minusSeconds(1)) && snapshot.when().isBefore(Instant.now().plusSeconds(1)),
                snapshot.when().toString());
    }

    @Test
    void exportPassesTheFilterOnAndTheReplyPassesTheRecheck() throws IOException {
        SimulatedSandbox s = sandbox("sb1", "none");
        Snapshot snapshot = client.exportMetrics("sb1", s.recorded().socketPath(), "opens", in(5000));
        assertEquals(List.of("fs_opens", "gofer_opens_host"), snapshot.data().stream().map(d -> d.metric().name()).toList());
        FilterCheck.requireMatches("sb1", "opens", name -> name.contains("opens"), snapshot);
    }

    @Test
    void getSavingsOnA2024SandboxIsUnsupportedNotAnError() throws IOException {
        SimulatedSandbox s = sandbox("sb1", "none");
        assertEquals(new Savings.Unsupported(), client.getSavings("sb1", s.recorded().socketPath(), in(5000)));
    }

    @Test
    void sendsTheRequestBytesRunscSends() throws Exception {
        try (RawServer server = new RawServer(root.resolve("raw.sock"))) {
            Path sock = root.resolve("raw.sock");
            server.reply("{\"success\":true,\"err\":\"\",\"result\":2}".getBytes(StandardCharsets.UTF_8), false);
            client.call("sb1", sock, "containerManager.ContainerRuntimeState", new JsonString("sb1"), in(5000));
            assertEquals("{\"method\":\"containerManager.ContainerRuntimeState\",\"arg\":\"sb1\"}", text(server.nextRequest()));
            server.reply("{\"success\":true,\"err\":\"\",\"result\":{\"snapshot\":{\"when\":\"2026-11-25T03:39:12.06372382Z\"}}}"
                    .getBytes(StandardCharsets.UTF_8), false);
            client.exportMetrics("sb1", sock, "", in(5000));
            assertEquals("{\"method\":\"Metrics.Export\",\"arg\":{\"only_metrics\":\"\"}}", text(server.nextRequest()));
            client.exportMetrics("sb1", sock, "a<b", in(5000));
            assertEquals("{\"method\":\"Metrics.Export\",\"arg\":{\"only_metrics\":\"a\\u003cb\"}}", text(server.nextRequest()));
            // The client keeps the last request's bytes: a change of filter must not reuse them.
            client.exportMetrics("sb1", sock, "a<b", in(5000));
            assertEquals("{\"method\":\"Metrics.Export\",\"arg\":{\"only_metrics\":\"a\\u003cb\"}}", text(server.nextRequest()));
            client.exportMetrics("sb1", sock, "", in(5000));
            assertEquals("{\"method\":\"Metrics.Export\",\"arg\":{\"only_metrics\":\"\"}}", text(server.nextRequest()));
            server.reply("{\"success\":true,\"err\":\"\",\"result\":{\"CPUTimeSaved\":1500000,\"WallTimeSaved\":7}}"
                    .getBytes(StandardCharsets.UTF_8), true);
            assertEquals(new Savings.Known(1_500_000, 7), client.getSavings("sb1", sock, in(5000)));
            assertEquals("{\"method\":\"containerManager.GetSavings\",\"arg\":null}", text(server.nextRequest()));
        }
    }

    @Test
    void stalledSandboxTimesOutAtTheDeadline() throws IOException {
        SimulatedSandbox s = sandbox("st", "stall");
        ControlException e = assertThrows(ControlException.class,
                () -> client.exportMetrics("st", s.recorded().socketPath(), "", in(SHORT_MS)));
        assertEquals(ControlException.Kind.TIMEOUT, e.kind());
        assertTrue(e.getMessage().matches("sandbox st: no reply to Metrics\\.Export from " + s.recorded().socketPath()
                + " within \\d+ ms: no complete JSON value before the deadline \\(0 bytes received\\)"), e.getMessage());
    }

    @Test
    void slowSandboxTimesOutWhenSlowerThanTheDeadlineAndAnswersOtherwise() throws IOException {
        SimulatedSandbox slow = sandbox("slow", "slow:3000");
        assertEquals(ControlException.Kind.TIMEOUT, assertThrows(ControlException.class,
                () -> client.exportMetrics("slow", slow.recorded().socketPath(), "", in(SHORT_MS))).kind());
        SimulatedSandbox bit = sandbox("bit", "slow:50");
        assertEquals(8, client.exportMetrics("bit", bit.recorded().socketPath(), "", in(10_000)).data().size());
    }

    @Test
    void garbageIsAProtocolError() throws IOException {
        SimulatedSandbox s = sandbox("g", "garbage");
        ControlException e = assertThrows(ControlException.class, () -> client.exportMetrics("g", s.recorded().socketPath(), "", in(5000)));
        assertEquals(ControlException.Kind.PROTOCOL, e.kind());
        assertTrue(e.getMessage().startsWith("sandbox g: reading reply from " + s.recorded().socketPath() + ": "), e.getMessage());
    }

    @Test
    void connectionClosedMidReplyIsReportedWithTheByteCount() throws IOException {
        SimulatedSandbox s = sandbox("sb1", "close");
        ControlException e = assertThrows(ControlException.class, () -> client.exportMetrics("sb1", s.recorded().socketPath(), "", in(5000)));
        assertEquals(ControlException.Kind.TRANSPORT, e.kind());
        assertEquals("sandbox sb1: reading reply from " + s.recorded().socketPath()
                + ": connection closed after 10 bytes, before the JSON value was complete", e.getMessage());
    }

    @Test
    void hugeReplyStopsAtTheReplyCaps() throws IOException {
        SimulatedSandbox s = sandbox("h", "huge");
        ControlException e = assertThrows(ControlException.class, () -> client.exportMetrics("h", s.recorded().socketPath(), "", in(60_000)));
        assertEquals(ControlException.Kind.PROTOCOL, e.kind());
        // Its entries are dense in JSON values, so the value cap stops it before the byte cap.
        assertTrue(e.getMessage().startsWith("sandbox h: reply to Metrics.Export from " + s.recorded().socketPath()
                + " has more than 65536 JSON values, the limit, in its first "), e.getMessage());
    }

    @Test
    void nullSnapshotIsAnError() throws IOException {
        SimulatedSandbox s = sandbox(SandboxOptions.of("n", "addr").withReplyScript(ReplyScript.sequence(List.of(
                new ScriptedReply.Result(new JsonObject(Map.of("snapshot", JsonNull.INSTANCE)))))));
        ControlException e = assertThrows(ControlException.class, () -> client.exportMetrics("n", s.recorded().socketPath(), "", in(5000)));
        assertEquals(ControlException.Kind.PROTOCOL, e.kind());
        assertEquals("sandbox n: bad reply to Metrics.Export from " + s.recorded().socketPath() + ": result.snapshot is null", e.getMessage());
    }

    @Test
    void sandboxErrorCarriesItsMessage() throws IOException {
        SimulatedSandbox s = sandbox("sb1", "none");
        ControlException e = assertThrows(ControlException.class, () -> client.exportMetrics("sb1", s.recorded().socketPath(), "(", in(5000)));
        assertEquals(ControlException.Kind.REMOTE, e.kind());
        assertEquals("sandbox sb1: Metrics.Export failed: cannot compile regexp \"(\": error parsing regexp: missing closing ): `(`",
                e.getMessage());
        assertEquals("cannot compile regexp \"(\": error parsing regexp: missing closing ): `(`", e.remoteMessage().orElseThrow());
    }

    @Test
    void deadSandboxRefusesTheConnection() throws IOException {
        SimulatedSandbox s = sandbox("d", "dead");
        ControlException e = assertThrows(ControlException.class, () -> client.exportMetrics("d", s.recorded().socketPath(), "", in(5000)));
        assertEquals(ControlException.Kind.CONNECT, e.kind());
        assertEquals("sandbox d: connecting to " + s.recorded().socketPath() + ": Connection refused", e.getMessage());
    }

    @Test
    void fullListenBacklogIsWaitedOutUntilTheDeadline() throws IOException {
        Path sock = root.resolve("full.sock");
        List<java.nio.channels.SocketChannel> queued = new ArrayList<>();
        try (var server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(java.net.UnixDomainSocketAddress.of(sock), 1);
            // Never accepted: fill the backlog until a non-blocking connect is refused with EAGAIN.
            boolean full = false;
            for (int i = 0; i < 64 && !full; i++) {
                var c = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX);
                queued.add(c);
                c.configureBlocking(false);
                try {
                    c.connect(java.net.UnixDomainSocketAddress.of(sock));
                } catch (IOException e) {
                    full = UrpcTransport.BACKLOG_FULL.equals(e.getMessage());
                }
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(full, "the kernel never reported a full backlog");
            ControlException e = assertThrows(ControlException.class, () -> client.exportMetrics("q", sock, "", in(SHORT_MS)));
            assertEquals(ControlException.Kind.TIMEOUT, e.kind());
            assertEquals("sandbox q: connecting to " + sock + ": Resource temporarily unavailable", e.getMessage());
        } finally {
            for (var c : queued) {
                c.close();
            }
        }
    }

    @Test
    void missingSocketIsAConnectError() {
        Path missing = root.resolve("runsc-none.sock");
        ControlException e = assertThrows(ControlException.class, () -> client.exportMetrics("none", missing, "", in(5000)));
        assertEquals("sandbox none: connecting to " + missing + ": No such file or directory", e.getMessage());
    }

    @Test
    void regressingCounterIsPassedOnForTheVerifierToJudge() throws IOException {
        SimulatedSandbox s = sandbox("r", "regress");
        NumberValue first = client.exportMetrics("r", s.recorded().socketPath(), "^fs_opens$", in(5000)).data().get(0).number();
        NumberValue second = client.exportMetrics("r", s.recorded().socketPath(), "^fs_opens$", in(5000)).data().get(0).number();
        assertTrue(((NumberValue.IntValue) first).value() > ((NumberValue.IntValue) second).value(), first + " " + second);
    }

    @Test
    void smallReplyCapIsEnforcedWithItsNumber() throws IOException {
        SimulatedSandbox s = sandbox("sb1", "none");
        ControlException e = assertThrows(ControlException.class,
                () -> new ControlClient(100, 64).exportMetrics("sb1", s.recorded().socketPath(), "", in(5000)));
        assertTrue(e.getMessage().contains("value is larger than the limit of 100 bytes"), e.getMessage());
        ControlException deep = assertThrows(ControlException.class,
                () -> new ControlClient(1 << 20, 3).exportMetrics("sb1", s.recorded().socketPath(), "", in(5000)));
        assertTrue(deep.getMessage().contains("nesting is deeper than the limit of 3 levels"), deep.getMessage());
    }

    @Test
    void longSocketPathGoesThroughAShortLinkThatIsRemovedAfterwards() throws IOException {
        SimulatedSandbox s = sandbox("sb1", "none");
        Path deep = Files.createDirectories(root.resolve("d".repeat(60)).resolve("e".repeat(40)));
        Path longPath = Files.createSymbolicLink(deep.resolve("runsc-sb1.sock"), s.recorded().socketPath());
        assertTrue(longPath.toString().length() >= 107, longPath.toString());
        assertEquals(8, client.exportMetrics("sb1", longPath, "", in(5000)).data().size());

        SocketLink link = SocketLink.to(longPath);
        Path dir = link.linkDirectory();
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals(longPath.toAbsolutePath(), Files.readSymbolicLink(dir.resolve("s")));
        assertEquals(dir.resolve("s").toString(), link.address().getPath().toString());
        link.close();
        assertTrue(!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS), dir + " was not removed");
    }

    @Test
    void pathsUpTo106BytesAreUsedDirectly() throws IOException {
        Path p106 = Path.of("/" + "p".repeat(105));
        try (SocketLink link = SocketLink.to(p106)) {
            assertEquals(null, link.linkDirectory());
            assertEquals(p106, link.address().getPath());
        }
        try (SocketLink link = SocketLink.to(Path.of("/" + "p".repeat(106)))) {
            assertInstanceOf(Path.class, link.linkDirectory());
        }
    }

    @Test
    void concurrentCallsOnOneSandboxAllSucceed() throws Exception {
        SimulatedSandbox s = sandbox("sb1", "none");
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<Snapshot>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(pool.submit(() -> client.exportMetrics("sb1", s.recorded().socketPath(), "", in(10_000))));
            }
            for (var f : calls) {
                assertTrue(f.get().data().size() >= 8);
            }
        }
        assertEquals(20, s.exportCalls());
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
