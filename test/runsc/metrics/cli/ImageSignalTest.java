// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import runsc.metrics.testing.ScratchDir;

/**
 * The image's metric-server stops cleanly on SIGTERM and SIGINT: exit status 0, socket and PID file
 * removed. Started with ProcessBuilder, the child does not inherit an ignored SIGINT the way a
 * background job of a non-interactive shell would.
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
            Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(p.pid())).inheritIO().start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS), "kill did not finish within 10 s");
            assertEquals(0, kill.exitValue(), "kill -s " + signal);
            server.assertExitsCleanlyAfter("SIG" + signal);
            assertEquals(List.of("ms.err", "ms.out", "root"), listing(dir), "socket and PID file are gone");
            assertEquals("", server.stderr());
        } finally {
            ScratchDir.deleteTree(dir);
        }
    }

    static List<String> listing(Path dir) throws java.io.IOException {
        try (var entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
