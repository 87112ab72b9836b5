// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import runsc.metrics.testing.RuntimeImage;
import runsc.metrics.testing.Tools;

/** One {@code simulate} process of the image, serving simulated sandbox sim-1 in a root of its own. */
final class SimulatedRoot implements AutoCloseable {
    /** How long the simulation may take to start, and to stop after SIGTERM. */
    static final Duration DEADLINE = Duration.ofSeconds(30);

    private final Process process;
    private final Path root;

    private SimulatedRoot(Process process, Path root) {
        this.process = process;
        this.root = root;
    }

    /**
     * Starts {@code simulate --sandboxes=1} with its root under {@code dir} (keep it short:
     * the sandbox's control socket lives there) and waits until it says it is simulating.
     */
    static SimulatedRoot start(Path dir, Path scratch) throws Exception {
        Path root = dir.resolve("root");
        Path out = Files.createTempFile(scratch, "simulate", ".out");
        ProcessBuilder builder = new ProcessBuilder(RuntimeImage.launcher().toString(), "--root=" + root,
                "--metric-server=" + dir.resolve("ms.sock"), "simulate", "--sandboxes=1")
                .redirectOutput(out.toFile()).redirectError(scratch.resolve("simulate.err").toFile());
        builder.environment().remove("RUNSC_METRICS_JAVA_OPTS");
        Process process = builder.start();
        SimulatedRoot sim = new SimulatedRoot(process, root);
        try {
            Tools.await(DEADLINE, "simulate printing \"simulating\"", () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("simulate exited with " + process.exitValue() + ": "
                            + Files.readString(scratch.resolve("simulate.err"), StandardCharsets.UTF_8));
                }
                return Files.readString(out, StandardCharsets.UTF_8).startsWith("simulating 1 sandboxes in ");
            });
        } catch (Exception | AssertionError e) {
            sim.close();
            throw e;
        }
        return sim;
    }

    Path root() {
        return root;
    }

    /** Sends SIGTERM and returns the exit status. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("simulate did not stop within " + DEADLINE.toSeconds() + " s of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
