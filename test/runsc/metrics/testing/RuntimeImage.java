// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The product as users run it: the jlink image named by the system property {@value #PROPERTY}
 * (scripts/run-tests.sh sets it; else {@code build/image} in the checkout) and its launcher
 * {@code bin/runsc-metrics}, run as a subprocess with no JVM options from the test's environment.
 */
public final class RuntimeImage {
    /** System property naming the runtime image. */
    public static final String PROPERTY = "runsc.metrics.image";

    private RuntimeImage() {
    }

    /** The image directory; the test fails (not skips) when it is missing, since it is what is under test. */
    public static Path home() {
        String property = System.getProperty(PROPERTY);
        Path home = (property == null || property.isEmpty() ? ProjectFiles.resolve("build/image") : Path.of(property))
                .toAbsolutePath().normalize();
        assertTrue(Files.isExecutable(home.resolve("bin/runsc-metrics")),
                "no runtime image at " + home + ": run `make image` (or set -D" + PROPERTY + ")");
        return home;
    }

    /** The launcher {@code bin/runsc-metrics}. */
    public static Path launcher() {
        return home().resolve("bin/runsc-metrics");
    }

    /** The command line {@code runsc-metrics ARGS...}. */
    public static List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(launcher().toString());
        command.addAll(List.of(args));
        return command;
    }

    /**
     * A process builder for {@code command} in {@code directory}, with {@code env} added to an
     * environment that has none of the JVM option variables the launcher or the JVM read.
     */
    public static ProcessBuilder builder(List<String> command, Path directory, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        builder.environment().remove("RUNSC_METRICS_JAVA_OPTS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().putAll(env);
        return builder;
    }

    /** Runs {@code runsc-metrics ARGS...} to completion with {@link Proc#DEADLINE}. */
    public static ProcResult run(String... args) throws IOException {
        return Proc.run(builder(command(args), Path.of("/"), Map.of()), Proc.DEADLINE);
    }
}
