// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import runsc.metrics.testing.RuntimeImage;
import runsc.metrics.testing.Tools;

/**
 * One {@code metric-server} process of the image, in a directory of its own: root {@code root},
 * socket {@code ms.sock}, output in {@code ms.out} and {@code ms.err}. Closing kills it.
 */
final class ImageMetricServer implements AutoCloseable {
    private final Process process;
    private final Path socket;
    private final Path err;

    private ImageMetricServer(Process process, Path socket, Path err) {
        this.process = process;
        this.socket = socket;
        this.err = err;
    }

    /** Starts {@code metric-server FLAGS...} on {@code dir/root} (created if need be). */
    static ImageMetricServer start(Path dir, String... flags) throws IOException {
        return start(dir, List.of(), flags);
    }

    /**
     * Starts it as {@link #start(Path, String...)} does, with {@code ignored} (such as {@code INT})
     * ignored from the start, as a background job of a shell inherits them.
     */
    static ImageMetricServer startIgnoring(Path dir, List<String> ignored, String... flags) throws IOException {
        return start(dir, ignored, flags);
    }

    private static ImageMetricServer start(Path dir, List<String> ignored, String... flags) throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path socket = dir.resolve("ms.sock");
        Path err = dir.resolve("ms.err");
        List<String> args = new ArrayList<>(List.of("--root=" + root, "--metric-server=" + socket, "metric-server"));
        args.addAll(List.of(flags));
        List<String> command = new ArrayList<>();
        if (!ignored.isEmpty()) {
            // exec keeps ignored signals ignored, as fork and exec do for any child.
            command.addAll(List.of("sh", "-c", "trap '' " + String.join(" ", ignored) + "; exec \"$@\"", "sh"));
        }
        command.addAll(RuntimeImage.command(args.toArray(String[]::new)));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("ms.out").toFile()).redirectError(err.toFile());
        builder.environment().remove("RUNSC_METRICS_JAVA_OPTS");
        return new ImageMetricServer(builder.start(), socket, err);
    }

    Process process() {
        return process;
    }

    Path socket() {
        return socket;
    }

    /** Everything it printed on stderr so far. */
    String stderr() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    /** Waits until {@code ready} holds; fails at once if the server exits first. */
    void await(String what, Tools.Check ready) throws Exception {
        Tools.await(SimulatedRoot.DEADLINE, what, () -> {
            assertTrue(process.isAlive(), () -> "metric-server exited with " + process.exitValue());
            return ready.holds();
        });
    }

    /** Asserts that it exits with status 0 within {@link SimulatedRoot#DEADLINE} of {@code signal}. */
    void assertExitsCleanlyAfter(String signal) throws Exception {
        assertTrue(process.waitFor(SimulatedRoot.DEADLINE.toSeconds(), TimeUnit.SECONDS),
                "metric-server still running " + SimulatedRoot.DEADLINE.toSeconds() + " s after " + signal);
        assertEquals(0, process.exitValue(), stderr());
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
