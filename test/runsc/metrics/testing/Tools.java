// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The external tools the tests drive ({@code flock}, {@code curl}, {@code socat}, {@code promtool}...),
 * found on {@code PATH}, and small waiting helpers.
 */
public final class Tools {
    /** How often a wait re-checks its condition. */
    public static final Duration POLL = Duration.ofMillis(50);

    private Tools() {
    }

    /** The executable named {@code name} on {@code PATH}, if there is one. */
    public static Optional<Path> find(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Skips the calling test unless {@code name} is on {@code PATH}; returns its path. */
    public static Path assume(String name, String debianPackage) {
        Optional<Path> tool = find(name);
        Assumptions.assumeTrue(tool.isPresent(), () -> name + " not found on PATH (Debian package " + debianPackage
                + "; `make ci-deps` as root installs it)");
        return tool.orElseThrow();
    }

    /** A TCP port on 127.0.0.1 that was free a moment ago (another process may still take it). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A condition polled by {@link #await}; it may read files or talk to a process. */
    @FunctionalInterface
    public interface Check {
        /** Whether the awaited state has been reached. */
        boolean holds() throws Exception;
    }

    /**
     * Polls {@code condition} until it holds; fails with {@code what} once {@code deadline} has passed.
     *
     * @throws AssertionError naming what was awaited, when the deadline passes first
     */
    public static void await(Duration deadline, String what, Check condition) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("waited " + deadline.toMillis() + " ms for " + what);
            }
            Thread.sleep(POLL);
        }
    }
}
