// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import runsc.metrics.testing.Daemon;
import runsc.metrics.testing.ProjectFiles;
import runsc.metrics.testing.ScratchDir;

/**
 * The smoke check every way of installing passes: the launcher prints the project's version, and a
 * metric server started through it serves a simulated root (two sandboxes) on a Unix socket.
 */
final class Smoke {
    /** How long a JVM may take to start here (2 shared cores under load). */
    static final Duration START = Duration.ofSeconds(60);

    private Smoke() {}

    /** The project's version, from the VERSION file. */
    static String version() throws IOException {
        return Files.readString(ProjectFiles.resolve("VERSION"), StandardCharsets.UTF_8).strip();
    }

    /** Runs the whole check against {@code launcher}. */
    static void check(Path launcher) throws Exception {
        Command v = Command.run(launcher.toString(), "--version").ok();
        assertTrue(v.out().startsWith("runsc-metrics version " + version() + "+"), v.describe());
        serveSimulatedRoot(launcher);
    }

    /** Two simulated sandboxes and a metric server, both through {@code launcher}; one scrape. */
    static void serveSimulatedRoot(Path launcher) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "ps");
        try {
            Path root = dir.resolve("root");
            Path socket = dir.resolve("m.sock");
            String[] globals = {launcher.toString(), "--root=" + root, "--metric-server=" + socket};
            try (Daemon sim = Daemon.start("simulate", List.of(globals[0], globals[1], globals[2], "simulate",
                    "--sandboxes=2"), dir)) {
                sim.awaitStdout("simulating 2 sandboxes", START);
                try (Daemon server = Daemon.start("server", List.of(globals[0], globals[1], globals[2],
                        "metric-server"), dir)) {
                    server.awaitStderr("metric server listening on " + socket, START);
                    UnixHttp reply = UnixHttp.get(socket, "/metrics");
                    assertEquals(200, reply.status(), reply.head());
                    assertTrue(reply.head().contains("Content-Type: text/plain; version=0.0.4; charset=utf-8"), reply.head());
                    for (String sandbox : List.of("sim-1", "sim-2")) {
                        assertTrue(reply.body().contains("runsc_meta_sandbox_running{") && reply.body().contains("sandbox=\"" + sandbox + "\""),
                                "no " + sandbox + " in:\n" + reply.body());
                    }
                    assertEquals(0, server.terminate(), "metric-server's exit status after SIGTERM");
                }
                assertEquals(0, sim.terminate(), "simulate's exit status after SIGTERM");
            }
        } finally {
            ScratchDir.deleteTree(dir);
        }
    }
}
