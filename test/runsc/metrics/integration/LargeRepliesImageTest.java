// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;

import runsc.metrics.sim.ReplyScript;
import runsc.metrics.sim.Fault;
import runsc.metrics.sim.SandboxOptions;
import runsc.metrics.sim.ScriptedReply;
import runsc.metrics.sim.SimulatedSandbox;
import runsc.metrics.testing.RuntimeImage;
import runsc.metrics.testing.ScratchDir;
import runsc.metrics.testing.Tools;

/**
 * Large sandbox replies against the image's metric server with its default options (the launcher's
 * 48 MiB heap): a reply at the byte cap is served, one byte more fails cleanly, and huge replies from
 * several sandboxes at once fail cleanly too, while healthy sandboxes keep their data and the server
 * never runs out of heap.
 */
class LargeRepliesImageTest {
    /** The byte cap of one reply ({@code ReplyMemory.MAX_REPLY_BYTES}) under the default heap. */
    private static final int CAP = 1 << 20;

    /** A valid reply with an empty snapshot taken now, padded with blanks to exactly {@code size} bytes. */
    private static byte[] paddedReply(int size) {
        String head = "{\"success\":true,\"err\":\"\",\"result\":{\"snapshot\":{\"when\":\"" + Instant.now() + "\",\"data\":[]}}";
        return (head + " ".repeat(size - head.length() - 1) + "}").getBytes(StandardCharsets.US_ASCII);
    }

    /** A reply of {@code n} numbers padded to {@code size} bytes: about 67 bytes of heap per number once parsed. */
    private static byte[] numbersReply(int n, int size) {
        StringBuilder sb = new StringBuilder(size).append("{\"success\":true,\"err\":\"\",\"result\":[1");
        sb.append(",1".repeat(n - 1)).append(']');
        return sb.append(" ".repeat(size - sb.length() - 1)).append('}').toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Serves sandboxes in-process and one metric server from the image, with nothing in its environment. */
    private static final class Setup implements AutoCloseable {
        final ScratchDir dir;
        final Path root;
        final Path socket;
        final Path debugLog;
        final Path stderr;
        final List<SimulatedSandbox> sandboxes = new ArrayList<>();
        Process server;

        Setup(String prefix) throws IOException {
            dir = ScratchDir.create(prefix);
            root = dir.resolve("root");
            socket = dir.resolve("ms.sock");
            debugLog = dir.resolve("debug.log");
            stderr = dir.resolve("server.err");
        }

        void sandbox(String id, IntFunction<SandboxOptions> options) throws IOException {
            sandboxes.add(SimulatedSandbox.start(root, options.apply(0)));
            assertTrue(Files.exists(root.resolve(id + "_sandbox:" + id + ".state")));
        }

        SandboxOptions of(String id) {
            return SandboxOptions.of(id, socket.toString());
        }

        SandboxOptions scripted(String id, java.util.function.Supplier<byte[]> reply) {
            return of(id).withReplyScript(call -> new ScriptedReply.Raw(reply.get()));
        }

        void startServer() throws Exception {
            Path pidFile = dir.resolve("server.pid");
            ProcessBuilder builder = new ProcessBuilder(RuntimeImage.command("--root=" + root, "--metric-server=" + socket,
                    "--debug-log=" + debugLog, "metric-server", "--pid-file=" + pidFile))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(dir.resolve("server.out").toFile()).redirectError(stderr.toFile());
            // The default options are the point: the launcher's heap cap, nothing added.
            builder.environment().remove("RUNSC_METRICS_JAVA_OPTS");
            builder.environment().remove("JAVA_TOOL_OPTIONS");
            builder.environment().remove("JDK_JAVA_OPTIONS");
            server = builder.start();
            long end = System.nanoTime() + SimulatedServer.STARTUP.toNanos();
            while (!Files.exists(pidFile)) {
                assertTrue(server.isAlive(), () -> "metric-server exited: " + read(stderr));
                assertTrue(System.nanoTime() < end, "metric-server did not start");
                Thread.sleep(Tools.POLL);
            }
        }

        String scrape() throws IOException, InterruptedException {
            HttpReply reply = Curl.unix(socket, "/metrics");
            assertEquals(200, reply.status(), reply::text);
            return reply.text();
        }

        /** Checks the server is alive and has printed and logged no OutOfMemoryError. */
        void assertHealthyServer() throws IOException {
            assertTrue(server.isAlive(), () -> "metric-server died: " + read(stderr));
            assertFalse(read(stderr).contains("OutOfMemoryError"), () -> read(stderr));
            assertFalse(read(debugLog).contains("OutOfMemoryError"), () -> read(debugLog));
        }

        @Override
        public void close() throws IOException {
            try {
                if (server != null) {
                    server.destroy();
                    try {
                        if (!server.waitFor(15, TimeUnit.SECONDS)) {
                            server.destroyForcibly();
                        }
                    } catch (InterruptedException e) {
                        server.destroyForcibly();
                        Thread.currentThread().interrupt();
                    }
                }
            } finally {
                for (SimulatedSandbox s : sandboxes) {
                    s.close();
                }
                dir.close();
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String brokenCount(String body) {
        return body.lines().filter(l -> l.startsWith("runsc_meta_num_sandboxes_broken_metrics ")).findFirst()
                .map(l -> l.split(" ")[1]).orElse("missing");
    }

    private static boolean hasData(String body, String id) {
        return body.lines().anyMatch(l -> l.startsWith("#   - Snapshot with ") && !l.startsWith("#   - Snapshot with 0 ")
                && l.endsWith(" sandbox:" + id + "]"));
    }

    @Test
    void aReplyAtTheByteCapIsServedAndOneByteOverFailsNamingTheSandboxAndTheSize() throws Exception {
        Curl.assumeInstalled();
        try (Setup s = new Setup("lr")) {
            for (int i = 1; i <= 3; i++) {
                String id = "healthy-" + i;
                s.sandbox(id, x -> s.of(id));
            }
            s.sandbox("at-cap", x -> s.scripted("at-cap", () -> paddedReply(CAP)));
            s.sandbox("over-cap", x -> s.scripted("over-cap", () -> paddedReply(CAP + 1)));
            s.startServer();
            for (int scrape = 1; scrape <= 2; scrape++) {
                String body = s.scrape();
                for (int i = 1; i <= 3; i++) {
                    assertTrue(hasData(body, "healthy-" + i), body);
                }
                assertTrue(body.lines().anyMatch(l -> l.startsWith("#   - Snapshot with 0 data points")
                        && l.endsWith(" sandbox:at-cap]")), body);
                assertFalse(body.contains("sandbox:over-cap]"), body);
                assertEquals("1", brokenCount(body), body);
            }
            s.assertHealthyServer();
            String log = read(s.debugLog);
            assertTrue(log.contains("Could not export metrics from sandbox over-cap: sandbox over-cap: reading reply from "
                    + s.root.resolve("runsc-over-cap.sock") + ": value is larger than the limit of 1048576 bytes"), log);
        }
    }

    @Test
    void hugeRepliesFromManySandboxesAtOnceFailCleanlyAndHealthyOnesKeepTheirData() throws Exception {
        Curl.assumeInstalled();
        byte[] fakebox = numbersReply(2_000_000, 20_000_000); // a 20 MB reply: 130 MB of heap once parsed
        byte[] dense = numbersReply(60_000, CAP); // within both caps: 2 MiB of bytes, 4 MB of tree
        try (Setup s = new Setup("lr")) {
            for (int i = 1; i <= 4; i++) {
                String id = "healthy-" + i;
                s.sandbox(id, x -> s.of(id));
            }
            s.sandbox("huge", x -> s.of("huge").withFault(new Fault(Fault.Kind.HUGE, 0)));
            s.sandbox("fakebox", x -> s.scripted("fakebox", () -> fakebox));
            for (int i = 1; i <= 10; i++) {
                String id = "dense-" + i;
                s.sandbox(id, x -> s.scripted(id, () -> dense));
            }
            s.startServer();
            for (int scrape = 1; scrape <= 3; scrape++) {
                String body = s.scrape();
                for (int i = 1; i <= 4; i++) {
                    assertTrue(hasData(body, "healthy-" + i), body);
                }
                // huge, fakebox and the ten dense ones (whose result is no snapshot, when it fits at all).
                assertEquals("12", brokenCount(body), body);
            }
            s.assertHealthyServer();
            String log = read(s.debugLog);
            assertTrue(log.contains("Could not export metrics from sandbox fakebox: sandbox fakebox: reply to Metrics.Export"
                    + " from " + s.root.resolve("runsc-fakebox.sock") + " has more than 65536 JSON values"), log);
            assertTrue(log.contains("Could not export metrics from sandbox huge: sandbox huge: "), log);
        }
    }
}
