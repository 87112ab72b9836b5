// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built runtime image, run as a subprocess. Its location comes from the system property
 * {@code runsc.metrics.image} (set by scripts/run-tests.sh), else {@code build/image}; tests that
 * need it are skipped with a reason when it has not been built.
 */
final class Image {
    /** How long one short command (--version, help, export-metrics) may take. */
    static final Duration COMMAND_DEADLINE = Duration.ofSeconds(30);

    private Image() {}

    /** What a finished command left behind. */
    record Result(int status, String out, String err) {}

    /** The image directory, or a skipped test when it is missing. */
    static Path home() {
        Path home = Path.of(System.getProperty("runsc.metrics.image", "build/image")).toAbsolutePath().normalize();
        assumeTrue(Files.isExecutable(home.resolve("bin/runsc-metrics")),
                "no runtime image at " + home + " (run make image, or set -Drunsc.metrics.image)");
        return home;
    }

    /** The image's launcher. */
    static Path launcher() {
        return home().resolve("bin/runsc-metrics");
    }

    /** Runs a command to its end in a directory, with extra environment, and collects its output. */
    static Result run(List<String> command, Path directory, Map<String, String> env, Path scratch)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("RUNSC_METRICS_JAVA_OPTS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(COMMAND_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish within " + COMMAND_DEADLINE.toSeconds() + " s");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Runs a command to its end in a directory and collects its output. */
    static Result run(List<String> command, Path directory, Path scratch) throws IOException, InterruptedException {
        return run(command, directory, Map.of(), scratch);
    }

    /** Waits for a condition until a deadline, failing the test with a message when it never holds. */
    static void await(Duration deadline, String what, Check condition) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.holds()) {
            assertTrue(System.nanoTime() < end, what + " did not happen within " + deadline.toSeconds() + " s");
            Thread.sleep(20);
        }
    }

    /** A condition polled by {@link #await}. */
    @FunctionalInterface
    interface Check {
        boolean holds() throws Exception;
    }
}
