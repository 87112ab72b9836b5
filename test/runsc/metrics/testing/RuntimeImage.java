// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The product as users run it: the launcher {@code bin/runsc-metrics} of the jlink image named by the
 * system property {@value #IMAGE_PROPERTY} (default {@code build/image}, which {@code make test}
 * builds first).
 */
final class Launcher {
    /** System property naming the runtime image (run-tests.sh sets it). */
    static final String IMAGE_PROPERTY = "runsc.metrics.image";

    private Launcher() {
    }

    /** The launcher; the test fails (not skips) when it is missing, since it is what is under test. */
    static Path binary() {
        Path bin = Path.of(System.getProperty(IMAGE_PROPERTY, "build/image")).resolve("bin/runsc-metrics").toAbsolutePath();
        assertTrue(Files.isExecutable(bin), "no launcher " + bin + ": run `make image` (or set -D" + IMAGE_PROPERTY + ")");
        return bin;
    }

    /** The command line {@code runsc-metrics ARGS...}. */
    static List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        command.addAll(List.of(args));
        return command;
    }

    /** Runs {@code runsc-metrics ARGS...} to completion with {@link Proc#DEADLINE}. */
    static ProcResult run(String... args) throws IOException, InterruptedException {
        return Proc.run(command(args));
    }
}
