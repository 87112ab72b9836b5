// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.packaging;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import runsc.metrics.testing.Proc;

/**
 * One external command run to its end, output in files (a child left holding a pipe cannot block
 * it), with a deadline after which it is killed with its descendants and the test fails naming it.
 *
 * @param command the command line
 * @param exitCode its exit status
 * @param out its standard output
 * @param err its standard error
 */
record Command(List<String> command, int exitCode, String out, String err) {
    /** Deadline of one ordinary command. */
    static final Duration DEADLINE = Duration.ofSeconds(60);

    Command {
        command = List.copyOf(command);
    }

    /** Runs {@code command} with {@link #DEADLINE}. */
    static Command run(String... command) throws IOException, InterruptedException {
        return run(List.of(command), Map.of(), DEADLINE);
    }

    /** Runs {@code command} with extra environment and a deadline; stdin is {@code /dev/null}. */
    static Command run(List<String> command, Map<String, String> env, Duration deadline)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pc");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(dir.resolve("out").toFile())
                    .redirectError(dir.resolve("err").toFile());
            builder.environment().remove("RUNSC_METRICS_JAVA_OPTS");
            builder.environment().putAll(env);
            Process p = builder.start();
            try {
                if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError(String.join(" ", command) + " did not finish within "
                            + deadline.toSeconds() + " s; stderr: " + Files.readString(dir.resolve("err")).strip());
                }
            } finally {
                Proc.killTree(p.toHandle());
            }
            return new Command(command, p.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                    Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(dir.resolve("out"));
            Files.deleteIfExists(dir.resolve("err"));
            Files.deleteIfExists(dir);
        }
    }

    /** Fails unless the command exited 0; returns it. */
    Command ok() {
        if (exitCode != 0) {
            throw new AssertionError(describe());
        }
        return this;
    }

    /** A one-line account for messages. */
    String describe() {
        return String.join(" ", command) + " exited " + exitCode + "; stdout: " + out.strip() + "; stderr: " + err.strip();
    }

    /** The executable {@code name} on {@code PATH}, if any. */
    static Optional<Path> find(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Skips the calling test unless {@code name} is on {@code PATH}; returns its path. */
    static Path assume(String name, String debianPackage) {
        Optional<Path> tool = find(name);
        assumeTrue(tool.isPresent(), () -> name + " not found on PATH (Debian package " + debianPackage
                + "; `make ci-deps` as root installs it)");
        return tool.orElseThrow();
    }

    /** Skips the calling test unless it runs as root. */
    static void assumeRoot() throws IOException, InterruptedException {
        assumeTrue(run("id", "-u").out().strip().equals("0"), "needs root (CI runs as root)");
    }
}
