// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import runsc.metrics.testing.ScratchDir;

/**
 * The image's metric-server on signals, as the man page says: SIGTERM and SIGINT stop it cleanly
 * (exit status 0, socket and PID file removed), SIGQUIT prints a thread dump and it keeps serving.
 * Started with ProcessBuilder, the child does not inherit an ignored SIGINT the way a background
 * job of a non-interactive shell would.
 */
class ImageSignalTest {
    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void metricServerExitsZeroAndCleansUpOnSignal(String signal) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "rm");
        Path pidFile = dir.resolve("ms.pid");
        try (ImageMetricServer server = ImageMetricServer.start(dir, "--pid-file=" + pidFile)) {
            Process p = server.process();
            server.await("the PID file " + pidFile, () -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
            assertTrue(Files.exists(server.socket()), "socket exists once the PID file is written");
            // The launcher execs the JVM, so the PID in the file is the process we started.
            assertEquals(Long.toString(p.pid()), Files.readString(pidFile, StandardCharsets.US_ASCII).strip());
            // The start-up line comes after the first look at the root, printed without --debug.
            String startLine = "metric server listening on " + server.socket() + " (root \"" + dir.resolve("root")
                    + "\"): serving 0 of 0 sandboxes found\n";
            server.await("the start-up line", () -> server.stderr().equals(startLine));
            kill(signal, p);
            server.assertExitsCleanlyAfter("SIG" + signal);
            assertEquals(List.of("ms.err", "ms.out", "root"), listing(dir), "socket and PID file are gone");
            assertEquals(startLine, server.stderr(), "nothing but the start-up line");
        } finally {
            ScratchDir.deleteTree(dir);
        }
    }

    /** A background job of a shell inherits SIGINT ignored; the server takes it back, as Go's signal.Notify does. */
    @Test
    void sigintInheritedAsIgnoredStillStopsTheServer() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "rm");
        try (ImageMetricServer server = ImageMetricServer.startIgnoring(dir, List.of("INT", "TERM"))) {
            Process p = server.process();
            server.await("the start-up line", () -> server.stderr().startsWith("metric server listening on "));
            assertEquals(0, ignoredMask(p.pid()), "SIGINT or SIGTERM still ignored once the server runs (SigIgn bits)");
            kill("INT", p);
            server.assertExitsCleanlyAfter("SIGINT inherited as ignored");
            assertEquals(List.of("ms.err", "ms.out", "root"), listing(dir), "the socket is gone");
        } finally {
            ScratchDir.deleteTree(dir);
        }
    }

    /** The ignored signals among SIGINT (2) and SIGTERM (15), from {@code /proc/PID/status}. */
    private static long ignoredMask(long pid) throws java.io.IOException {
        String line = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("SigIgn:")).findFirst().orElseThrow();
        return Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16) & ((1L << 1) | (1L << 14));
    }

    @Test
    void sigquitPrintsAThreadDumpAndTheServerKeepsRunning() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "rm");
        Path pidFile = dir.resolve("ms.pid");
        Path out = dir.resolve("ms.out");
        try (ImageMetricServer server = ImageMetricServer.start(dir, "--pid-file=" + pidFile)) {
            Process p = server.process();
            server.await("the PID file " + pidFile, () -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
            kill("QUIT", p);
            server.await("a thread dump on stdout",
                    () -> Files.readString(out, StandardCharsets.UTF_8).contains("Full thread dump"));
            assertTrue(p.isAlive(), "still running after SIGQUIT");
            assertTrue(Files.exists(server.socket()), "still listening after SIGQUIT");
            p.destroy();
            server.assertExitsCleanlyAfter("SIGTERM after SIGQUIT");
        } finally {
            ScratchDir.deleteTree(dir);
        }
    }

    private static void kill(String signal, Process p) throws Exception {
        Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(p.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS), "kill did not finish within 10 s");
        assertEquals(0, kill.exitValue(), "kill -s " + signal);
    }

    static List<String> listing(Path dir) throws java.io.IOException {
        try (var entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
