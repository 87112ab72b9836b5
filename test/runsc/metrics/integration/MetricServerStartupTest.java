// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import runsc.metrics.testing.Daemon;
import runsc.metrics.testing.ProcResult;
import runsc.metrics.testing.RuntimeImage;
import runsc.metrics.testing.ScratchDir;

/** How {@code metric-server} starts, or refuses to, on a root directory that does not exist. */
class MetricServerStartupTest {
    @Test
    void missingRootFailsWithRunscsMessage() throws IOException, InterruptedException {
        try (ScratchDir dir = ScratchDir.create("su")) {
            Path root = dir.resolve("nothing-here");
            Path socket = dir.resolve("m.sock");
            ProcResult r = RuntimeImage.run("--root=" + root, "--metric-server=" + socket, "metric-server");
            assertEquals(128, r.exitCode(), r::describe);
            assertEquals("invalid root directory \"" + root + "\": tried to list all entries within it and got: open "
                    + root + ": no such file or directory\n", r.stderr());
            assertEquals("", r.stdout());
            assertFalse(Files.exists(socket), "socket bound although the root check failed");
        }
    }

    @Test
    void allowUnknownRootServesAnEmptyRoot() throws IOException, InterruptedException {
        Curl.assumeInstalled();
        try (ScratchDir dir = ScratchDir.create("su")) {
            Path root = dir.resolve("nothing-here");
            Path socket = dir.resolve("m.sock");
            Path pidFile = dir.resolve("pid");
            try (Daemon server = Daemon.start("metric-server", RuntimeImage.command("--root=" + root,
                    "--metric-server=" + socket, "metric-server", "--allow-unknown-root", "--pid-file=" + pidFile),
                    dir.path())) {
                server.awaitFile(pidFile, SimulatedServer.STARTUP);
                HttpReply reply = Curl.unix(socket, "/metrics");
                assertEquals(200, reply.status());
                List<Exposition.Sample> samples = Exposition.samples(reply.text());
                assertTrue(samples.stream().noneMatch(s -> s.label("sandbox") != null), reply::text);
                assertTrue(samples.stream().anyMatch(s -> s.name().equals("runsc_meta_num_sandboxes_running")
                        && s.value().equals("0")), reply::text);
                assertEquals(0, server.terminate(), server::describe);
            }
        }
    }
}
