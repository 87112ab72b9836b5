// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import runsc.metrics.testing.Daemon;
import runsc.metrics.testing.RuntimeImage;

/**
 * One {@code simulate} process of the image, serving simulated sandbox sim-1 in a root of its own.
 *
 * @param daemon the process
 * @param root its runsc root directory
 */
record SimulatedRoot(Daemon daemon, Path root) implements AutoCloseable {
    /** How long the simulation, and the image's other processes in the cli tests, may take to start or stop. */
    static final Duration DEADLINE = Duration.ofSeconds(30);

    /**
     * Starts {@code simulate --sandboxes=1} with its root under {@code dir} (keep it short:
     * the sandbox's control socket lives there), its output in {@code scratch}, and waits until it
     * says it is simulating.
     */
    static SimulatedRoot start(Path dir, Path scratch) throws IOException, InterruptedException {
        Path root = dir.resolve("root");
        Daemon daemon = Daemon.start("simulate", RuntimeImage.command("--root=" + root,
                "--metric-server=" + dir.resolve("ms.sock"), "simulate", "--sandboxes=1"), scratch);
        try {
            daemon.awaitStdout("simulating 1 sandboxes in ", DEADLINE);
        } catch (InterruptedException | RuntimeException | AssertionError e) {
            daemon.close();
            throw e;
        }
        return new SimulatedRoot(daemon, root);
    }

    /** Sends SIGTERM and returns the exit status; fails if it outstays {@link Daemon#STOP_GRACE}. */
    int stop() throws InterruptedException {
        return daemon.terminate();
    }

    @Override
    public void close() {
        daemon.close();
    }
}
