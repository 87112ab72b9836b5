// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.packaging;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import runsc.metrics.testing.ProjectFiles;

import runsc.metrics.testing.ProjectFiles;

/**
 * The packages `make deb` and `make dist` built. Their directories come from the environment
 * ({@code DEB_DIR}, {@code DIST_DIR}, set by the Makefile's test target), else build/deb and
 * build/dist, relative ones in the checkout; a test whose package is missing is skipped with the command that builds it.
 */
final class Artifacts {
    private Artifacts() {}

    /** The one .deb of this version in the package directory, or a skipped test. */
    static Path deb() throws IOException {
        return single(dir("DEB_DIR", "build/deb"), "runsc-metrics_" + Smoke.version() + "_", ".deb", "make deb");
    }

    /** The one tarball of this version in the dist directory, or a skipped test. */
    static Path tarball() throws IOException {
        return single(dir("DIST_DIR", "build/dist"), "runsc-metrics-" + Smoke.version() + "-linux-", ".tar.gz", "make dist");
    }

    /** A relative directory is the checkout's: the tests run in a scratch working directory. */
    private static Path dir(String variable, String fallback) {
        // Relative names are the checkout's: the test JVM runs in a scratch directory.
        String value = System.getenv(variable);
        return ProjectFiles.resolve(value == null || value.isEmpty() ? fallback : value);
    }

    private static Path single(Path dir, String prefix, String suffix, String make) throws IOException {
        List<Path> found = List.of();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                found = files.filter(p -> p.getFileName().toString().startsWith(prefix)
                        && p.getFileName().toString().endsWith(suffix)).toList();
            }
        }
        assumeTrue(!found.isEmpty(), "no " + prefix + "*" + suffix + " in " + dir + " (run " + make + ")");
        if (found.size() > 1) {
            throw new AssertionError("more than one package in " + dir + ": " + found);
        }
        return found.getFirst();
    }
}
