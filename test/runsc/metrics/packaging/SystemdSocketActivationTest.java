// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import runsc.metrics.testing.Daemon;
import runsc.metrics.testing.RuntimeImage;

/**
 * Socket activation with systemd's own tool: systemd-socket-activate binds the socket, starts the
 * launcher on the first connection with LISTEN_FDS=1 and the socket on fd 3, and that first
 * connection is answered (it waited in the backlog while the JVM started).
 */
class SystemdSocketActivationTest {
    /** The image's launcher; the test is skipped where there is no image (make image). */
    private static Path launcher() {
        Path launcher = Path.of(System.getProperty(RuntimeImage.PROPERTY, "build/image")).toAbsolutePath()
                .resolve("bin/runsc-metrics");
        assumeTrue(Files.isExecutable(launcher), "no image at " + launcher + " (make image)");
        return launcher;
    }

    // Longer than the suite's 120 s default: a JVM start on the first connection, simulate and the server on a loaded machine.
    @Test
    @Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
    void firstRequestThroughTheActivatedSocketGets200(@TempDir Path dir) throws Exception {
        Path activate = Command.assume("systemd-socket-activate", "systemd");
        Path launcher = launcher();
        Path root = dir.resolve("root");
        Path socket = dir.resolve("m.sock");
        try (Daemon sim = Daemon.start("simulate", List.of(launcher.toString(), "--root=" + root,
                "--metric-server=" + socket, "simulate", "--sandboxes=1"), dir)) {
            sim.awaitStdout("simulating 1 sandboxes", Smoke.START);
            try (Daemon activator = Daemon.start("activate", List.of(activate.toString(), "--listen=" + socket,
                    launcher.toString(), "--root=" + root, "--metric-server=" + socket, "metric-server"), dir)) {
                activator.awaitStderr("Listening on " + socket, Smoke.START);
                Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
                UnixHttp first = UnixHttp.get(socket, "/metrics");
                assertEquals(200, first.status(), first.head() + "\n" + activator.output());
                assertTrue(first.body().contains("sandbox=\"sim-1\""), first.body());
                UnixHttp pid = UnixHttp.get(socket, "/runsc-metrics/pid");
                assertEquals(200, pid.status(), pid.head());
                assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)),
                        "the server changed the mode of a socket it did not bind");
                assertEquals(0, activator.terminate(), "exit status after SIGTERM; " + activator.output());
                assertTrue(Files.exists(socket), "the server removed a socket it did not bind");
            }
            assertEquals(0, sim.terminate());
        }
    }

    // Longer than the suite's 120 s default: a JVM start on the first connection, simulate and the server on a loaded machine.
    @Test
    @Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
    void aSocketForAnotherAddressIsRefusedNamingBoth(@TempDir Path dir) throws Exception {
        Path activate = Command.assume("systemd-socket-activate", "systemd");
        Path launcher = launcher();
        Files.createDirectory(dir.resolve("root"));
        Path socket = dir.resolve("m.sock");
        Path other = dir.resolve("other.sock");
        try (Daemon activator = Daemon.start("activate", List.of(activate.toString(), "--listen=" + socket,
                launcher.toString(), "--root=" + dir.resolve("root"), "--metric-server=" + other, "metric-server"), dir)) {
            activator.awaitStderr("Listening on " + socket, Smoke.START);
            try (var ch = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket))) {
                // Only wakes the activator; the server refuses the socket and exits.
                assertTrue(ch.isConnected());
            }
            // (systemd-socket-activate's own "Execing ..." line names other.sock too: wait for the server's.)
            activator.awaitReady("the server's error", Smoke.START, () -> activator.output().contains("socket activation:"));
        }
        String output = Files.readString(dir.resolve("activate.err"));
        assertTrue(output.contains("socket activation: the inherited socket is " + socket)
                && output.contains("--metric-server is \"" + other + "\""), output);
    }
}
