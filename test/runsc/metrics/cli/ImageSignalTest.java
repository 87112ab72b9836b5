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
import runsc.metrics.testing.RuntimeImage;
import runsc.metrics.testing.ScratchDir;
import runsc.metrics.testing.Tools;

/**
 * The image's metric-server stops cleanly on SIGTERM and SIGINT: exit status 0, socket and PID file
 * removed. Started with ProcessBuilder, the child does not inherit an ignored SIGINT the way a
 * background job of a non-interactive shell would.
 */
class ImageSignalTest {
    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void metricServerExitsZeroAndCleansUpOnSignal(String signal) throws Exception {
        Path launcher = RuntimeImage.launcher();
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "rm");
        Process server = null;
        try {
            Path root = Files.createDirectories(dir.resolve("root"));
            Path socket = dir.resolve("ms.sock");
            Path pidFile = dir.resolve("ms.pid");
            Path err = dir.resolve("ms.err");
            ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "--root=" + root,
                    "--metric-server=" + socket, "metric-server", "--pid-file=" + pidFile)
                    .redirectOutput(dir.resolve("ms.out").toFile()).redirectError(err.toFile());
            builder.environment().remove("RUNSC_METRICS_JAVA_OPTS");
            Process p = builder.start();
            server = p;
            Tools.await(SimulatedRoot.DEADLINE, "the PID file " + pidFile, () -> {
                assertTrue(p.isAlive(), () -> "metric-server exited with " + p.exitValue());
                return Files.exists(pidFile) && !Files.readString(pidFile).isBlank();
            });
            assertTrue(Files.exists(socket), "socket exists once the PID file is written");
            // The launcher execs the JVM, so the PID in the file is the process we started.
            assertEquals(Long.toString(p.pid()), Files.readString(pidFile, StandardCharsets.US_ASCII).strip());
            // The start-up line comes after the first look at the root, printed without --debug.
            String startLine = "metric server listening on " + socket + " (root \"" + root
                    + "\"): serving 0 of 0 sandboxes found\n";
            Tools.await(SimulatedRoot.DEADLINE, "the start-up line",
                    () -> Files.readString(err, StandardCharsets.UTF_8).equals(startLine));
            Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(p.pid())).inheritIO().start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS), "kill did not finish within 10 s");
            assertEquals(0, kill.exitValue(), "kill -s " + signal);
            assertTrue(p.waitFor(SimulatedRoot.DEADLINE.toSeconds(), TimeUnit.SECONDS),
                    "metric-server still running " + SimulatedRoot.DEADLINE.toSeconds() + " s after SIG" + signal);
            assertEquals(0, p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
            assertEquals(List.of("ms.err", "ms.out", "root"), listing(dir), "socket and PID file are gone");
            assertEquals(startLine, Files.readString(err, StandardCharsets.UTF_8), "nothing but the start-up line");
        } finally {
            if (server != null) {
                server.destroyForcibly();
            }
            ScratchDir.deleteTree(dir);
        }
    }

    /** What the man page says: SIGQUIT prints a thread dump on stdout and the server keeps serving. */
    @Test
    void sigquitPrintsAThreadDumpAndTheServerKeepsRunning() throws Exception {
        Path launcher = RuntimeImage.launcher();
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "rm");
        Process server = null;
        try {
            Path root = Files.createDirectories(dir.resolve("root"));
            Path socket = dir.resolve("ms.sock");
            Path pidFile = dir.resolve("ms.pid");
            Path out = dir.resolve("ms.out");
            ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "--root=" + root,
                    "--metric-server=" + socket, "metric-server", "--pid-file=" + pidFile)
                    .redirectOutput(out.toFile()).redirectError(dir.resolve("ms.err").toFile());
            builder.environment().remove("RUNSC_METRICS_JAVA_OPTS");
            Process p = builder.start();
            server = p;
            Tools.await(SimulatedRoot.DEADLINE, "the PID file " + pidFile, () -> {
                assertTrue(p.isAlive(), () -> "metric-server exited with " + p.exitValue());
                return Files.exists(pidFile) && !Files.readString(pidFile).isBlank();
            });
            Process kill = new ProcessBuilder("kill", "-s", "QUIT", Long.toString(p.pid())).inheritIO().start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS), "kill did not finish within 10 s");
            assertEquals(0, kill.exitValue(), "kill -s QUIT");
            Tools.await(SimulatedRoot.DEADLINE, "a thread dump on stdout",
                    () -> Files.readString(out, StandardCharsets.UTF_8).contains("Full thread dump"));
            assertTrue(p.isAlive(), "still running after SIGQUIT");
            assertTrue(Files.exists(socket), "still listening after SIGQUIT");
            p.destroy();
            assertTrue(p.waitFor(SimulatedRoot.DEADLINE.toSeconds(), TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), "SIGTERM after SIGQUIT");
        } finally {
            if (server != null) {
                server.destroyForcibly();
            }
            ScratchDir.deleteTree(dir);
        }
    }

    static List<String> listing(Path dir) throws java.io.IOException {
        try (var entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
