// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import runsc.metrics.testing.ProcResult;
import runsc.metrics.testing.RuntimeImage;
import runsc.metrics.testing.ScratchDir;
import runsc.metrics.testing.SpecialFile;

/**
 * The image's commands with a FIFO in the root, as processes with deadlines: metric-server answers
 * scrapes and stops on SIGTERM, and export-metrics refuses the file, each well within its limits.
 */
class ImageRootFifoTest {
    @Test
    void metricServerScrapesAndStopsAndExportMetricsRefusesWithAFifoInTheRoot() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "rm");
        try {
            Path root = Files.createDirectories(dir.resolve("root"));
            Files.createFile(root.resolve("x_sandbox:x.lock"));
            Path fifo = SpecialFile.FIFO.create(root.resolve("x_sandbox:x.state"), dir);
            try (ImageMetricServer server = ImageMetricServer.start(dir)) {
                Path socket = server.socket();
                server.await("the start-up line", () -> server.stderr().contains("metric server listening on " + socket));
                for (int i = 0; i < 2; i++) {
                    String reply = CompletableFuture.supplyAsync(() -> get(socket, "/metrics"))
                            .get(SimulatedRoot.DEADLINE.toSeconds(), TimeUnit.SECONDS);
                    assertTrue(reply.startsWith("HTTP/1.1 200 "), reply);
                    assertTrue(reply.contains("\nrunsc_meta_num_sandboxes_total 0 "), reply);
                }
                server.process().destroy(); // SIGTERM
                server.assertExitsCleanlyAfter("SIGTERM");
                assertFalse(Files.exists(socket), "socket left behind");
            }

            // RuntimeImage.run fails the test, rather than waiting, past its 30 s deadline.
            ProcResult export = RuntimeImage.run("--root=" + root, "export-metrics", "x");
            assertEquals(128, export.exitCode(), export.stderr());
            assertEquals("loading container: state file " + fifo + ": not a regular file (it is a FIFO)\n", export.stderr());
            assertEquals("", export.stdout());
        } finally {
            SpecialFile.cleanUp(dir);
            ScratchDir.deleteTree(dir);
        }
    }

    /** One GET over the Unix socket with {@code Connection: close}; the whole reply as text. */
    private static String get(Path socket, String target) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(ch);
            out.write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = Channels.newInputStream(ch);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
