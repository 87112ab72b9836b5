// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.testing;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The real gVisor {@code runsc} binary: where it is, whether real sandboxes run here, and one-shot
 * commands with a deadline.
 *
 * <p>The binary is {@code build/runsc/usr/bin/runsc} relative to the working directory (the repo
 * root in {@code make test}; {@code make runsc} puts it there), or the file named by the system
 * property {@value #BINARY_PROPERTY}.
 */
public final class RealRunsc {
    /** System property naming a runsc binary to use instead of the one under {@code build/runsc}. */
    public static final String BINARY_PROPERTY = "runsc.metrics.runsc";
    /** Where {@code make runsc} unpacks Debian's package, relative to the repo root. */
    static final List<Path> DEFAULT_BINARIES =
            List.of(Path.of("build/runsc/usr/bin/runsc"), Path.of("build/runsc/usr/sbin/runsc"));
    /** Deadline for one runsc command, {@code create} and {@code start} included (they take well under 1 s here). */
    public static final Duration COMMAND_DEADLINE = Duration.ofSeconds(30);
    /** How long a command that missed its deadline gets to die after SIGKILL. */
    static final Duration KILL_GRACE = Duration.ofSeconds(5);

    private static final File DEV_NULL = new File("/dev/null");
    private static final Object PROBE_LOCK = new Object();
    private static Optional<String> probeResult;  // guarded by PROBE_LOCK; null until probed

    private RealRunsc() {
    }

    /** The runsc binary, if the system property or {@code build/runsc} names an executable file. */
    public static Optional<Path> binary() {
        String property = System.getProperty(BINARY_PROPERTY);
        if (property != null && !property.isEmpty()) {
            Path p = Path.of(property);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p.toAbsolutePath()) : Optional.empty();
        }
        return DEFAULT_BINARIES.stream()
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                .map(Path::toAbsolutePath)
                .findFirst();
    }

    /**
     * Skips the calling test unless real sandboxes can run here: the process is root, the binary
     * is present, and a probe sandbox starts and answers {@code export-metrics} (probed once per JVM).
     */
    public static void assumeAvailable() {
        Optional<String> reason = unavailableReason();
        Assumptions.assumeTrue(reason.isEmpty(), () -> reason.orElseThrow());
    }

    /**
     * Skips the calling test unless the process is root and the binary is present, without starting a
     * probe sandbox: for tests that run runsc commands against simulated sandboxes.
     */
    public static void assumeBinary() {
        Optional<String> reason = staticReason();
        Assumptions.assumeTrue(reason.isEmpty(), () -> reason.orElseThrow());
    }

    /** Why real sandboxes cannot run here, or empty when they can. See {@link #assumeAvailable()}. */
    public static Optional<String> unavailableReason() {
        Optional<String> fast = staticReason();
        if (fast.isPresent()) {
            return fast;
        }
        synchronized (PROBE_LOCK) {
            if (probeResult == null) {
                probeResult = probe();
            }
            return probeResult;
        }
    }

    /** The reasons that need no sandbox: not root, or no binary. */
    static Optional<String> staticReason() {
        long uid = effectiveUid();
        if (uid != 0) {
            return Optional.of("real runsc sandboxes need root; this test runs as uid " + uid);
        }
        if (binary().isEmpty()) {
            String property = System.getProperty(BINARY_PROPERTY);
            if (property != null && !property.isEmpty()) {
                return Optional.of("runsc binary missing: -D" + BINARY_PROPERTY + "=" + property
                        + " is not an executable file");
            }
            return Optional.of("runsc binary missing: no executable " + DEFAULT_BINARIES.getFirst()
                    + " (run `make runsc`, or set -D" + BINARY_PROPERTY + "=PATH)");
        }
        return Optional.empty();
    }

    private static Optional<String> probe() {
        try (RealRoot root = RealRoot.create()) {
            root.start(SandboxSpec.plain("probe"));
            RunscResult export = exportMetrics(root.path(), "probe");
            if (export.exitCode() != 0) {
                return Optional.of("real runsc sandboxes start but do not answer here: " + export.describe());
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("real runsc sandboxes cannot start here: " + e.getMessage());
        }
    }

    /** Runs {@code runsc --root=ROOT export-metrics [FLAGS...] ID} and returns what it printed. */
    public static RunscResult exportMetrics(Path root, String id, String... flags) throws IOException {
        List<String> args = new ArrayList<>();
        args.add("--root=" + root);
        args.add("export-metrics");
        args.addAll(List.of(flags));
        args.add(id);
        return run(args);
    }

    /** Runs the real runsc with these arguments and {@link #COMMAND_DEADLINE}, capturing its output. */
    public static RunscResult run(List<String> args) throws IOException {
        Path dir = Files.createTempDirectory("runsc-out");
        try {
            return run(args, dir.resolve("stdout"), dir.resolve("stderr"), COMMAND_DEADLINE);
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * Runs the real runsc with stdin from {@code /dev/null} and stdout and stderr into files: a
     * sandbox that {@code create} forks keeps them open for its whole life, so pipes would never
     * reach end of file. After the deadline the command is killed and an IOException names it.
     */
    static RunscResult run(List<String> args, Path stdout, Path stderr, Duration deadline) throws IOException {
        Path bin = binary().orElseThrow(() -> new IOException(staticReason().orElse("runsc binary missing")));
        List<String> command = new ArrayList<>();
        command.add(bin.toString());
        command.addAll(args);
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        try {
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                throw new IOException("runsc " + String.join(" ", args) + " did not finish within "
                        + deadline.toSeconds() + " s; stderr: " + Files.readString(stderr).strip());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            InterruptedIOException stop = new InterruptedIOException("interrupted while running runsc " + args);
            stop.initCause(e);
            throw stop;
        }
        return new RunscResult(args, process.exitValue(),
                Files.readString(stdout, StandardCharsets.UTF_8), Files.readString(stderr, StandardCharsets.UTF_8));
    }

    /** The effective uid of this JVM, from {@code /proc/self/status}; -1 if unreadable. */
    static long effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).strip().split("\\s+");
                    return Long.parseLong(ids[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Removes a directory tree; a missing tree is fine. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
