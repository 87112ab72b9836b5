// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.packaging;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A long-running command (a metric server, a simulation, systemd-socket-activate) with its output
 * in {@code <name>.out} and {@code <name>.err} of a directory. Closing sends SIGTERM, waits, then
 * kills it and its descendants, so a failing test leaves nothing running.
 */
final class Background implements AutoCloseable {
    /** How long it gets to exit after SIGTERM. */
    static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final String name;
    private final Process process;
    private final Path out;
    private final Path err;

    private Background(String name, Process process, Path out, Path err) {
        this.name = name;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts {@code command} with stdin from {@code /dev/null} and its output in {@code dir}. */
    static Background start(String name, List<String> command, Path dir) throws IOException {
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().remove("RUNSC_METRICS_JAVA_OPTS");
        return new Background(name, builder.start(), out, err);
    }

    /** What it printed so far on stdout and stderr, for messages. */
    String output() {
        try {
            return "stdout: " + Files.readString(out, StandardCharsets.UTF_8).strip() + "; stderr: "
                    + Files.readString(err, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    /** Waits until {@code condition} holds; fails early if the process exits, and at the deadline. */
    void await(String what, Duration deadline, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before " + what + "; " + output());
            }
            if (System.nanoTime() - end > 0) {
                throw new AssertionError(name + ": no " + what + " within " + deadline.toSeconds() + " s; " + output());
            }
            Thread.sleep(50);
        }
    }

    /** Waits until its stdout contains {@code text}. */
    void awaitStdout(String text, Duration deadline) throws InterruptedException {
        awaitText(out, "stdout", text, deadline);
    }

    /**
     * Waits until its stderr contains {@code text}: a server's start-up line, printed once it
     * listens. The socket file alone does not say so, since it appears at bind(2), before listen(2),
     * and a connection in between is refused.
     */
    void awaitStderr(String text, Duration deadline) throws InterruptedException {
        awaitText(err, "stderr", text, deadline);
    }

    private void awaitText(Path file, String stream, String text, Duration deadline) throws InterruptedException {
        await("\"" + text + "\" on " + stream, deadline, () -> {
            try {
                return Files.readString(file, StandardCharsets.UTF_8).contains(text);
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Sends SIGTERM and returns the exit status; kills it if it outstays {@link #STOP_GRACE}. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            Command.kill(process.toHandle());
            throw new AssertionError(name + " did not exit within " + STOP_GRACE.toSeconds() + " s of SIGTERM; " + output());
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Command.kill(process.toHandle());
        }
    }
}
