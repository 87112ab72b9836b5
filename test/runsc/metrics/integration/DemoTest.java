// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import runsc.metrics.testing.Daemon;
import runsc.metrics.testing.RuntimeImage;
import runsc.metrics.testing.ScratchDir;
import runsc.metrics.testing.Tools;

/**
 * {@code runsc-metrics demo} on a TCP port: serves its three sandboxes with their resource usage,
 * and removes its root on SIGTERM.
 */
class DemoTest {
    private static final Pattern FIRST_LINE =
            Pattern.compile("runsc-metrics demo: 3 simulated sandboxes in (/tmp/runsc-metrics-demo-\\S+), metric server on (\\S+)\n");

    @Test
    void demoServesThreeSandboxesAndCleansUp() throws IOException, InterruptedException {
        Curl.assumeInstalled();
        String address = "127.0.0.1:" + Tools.freePort();
        try (ScratchDir dir = ScratchDir.create("dm");
             Daemon demo = Daemon.start("demo", RuntimeImage.command("demo", "--metric-server=" + address), dir.path())) {
            demo.awaitStdout("Try:", SimulatedServer.STARTUP);
            Matcher m = FIRST_LINE.matcher(demo.stdout());
            assertTrue(m.lookingAt(), demo::describe);
            Path root = Path.of(m.group(1));
            assertEquals(address, m.group(2));
            assertTrue(Files.isDirectory(root));

            HttpReply reply = Curl.url("http://" + address + "/metrics");
            assertEquals(200, reply.status());
            assertEquals(Optional.of(SimulatedClientsTest.CONTENT_TYPE), reply.header("Content-Type"));
            for (String id : List.of("web-frontend", "batch-job", "cache")) {
                assertFalse(Exposition.samplesWithLabel(reply.text(), "sandbox", id).isEmpty(), () -> id + ": " + reply.text());
            }
            // The demo shows resource usage too (--resource-stats).
            assertTrue(reply.text().contains("\nrunsc_container_pids_current{container=\"web-frontend\","), reply::text);

            assertEquals(0, demo.terminate(), demo::describe);
            assertTrue(demo.stdout().endsWith("demo stopped; removed " + root + "\n"), demo::describe);
            assertFalse(Files.exists(root), "demo left " + root);
        }
    }
}
