// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The real gVisor {@code runsc} binary: where it is, whether real sandboxes run here, and one-shot
 * commands with a deadline.
 *
 * <p>The binary is the file named by the system property {@value #BINARY_PROPERTY} (scripts/run-tests.sh
 * sets it when {@code make runsc} has unpacked one), else {@code build/runsc/usr/bin/runsc} in the
 * checkout ({@link ProjectFiles}).
 */
public final class RealRunsc {
    /** System property naming a runsc binary to use instead of the one under {@code build/runsc}. */
    public static final String BINARY_PROPERTY = "runsc.metrics.runsc";
    /** Where {@code make runsc} unpacks Debian's package in the checkout. */
    static final List<Path> DEFAULT_BINARIES = List.of(ProjectFiles.resolve("build/runsc/usr/bin/runsc"),
            ProjectFiles.resolve("build/runsc/usr/sbin/runsc"));
    /** Deadline for one runsc command, {@code create} and {@code start} included (they take well under 1 s here). */
    public static final Duration COMMAND_DEADLINE = Duration.ofSeconds(30);
    /** How long a sandbox process gets to die after SIGKILL. */
    static final Duration KILL_GRACE = Duration.ofSeconds(5);
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
            ProcResult export = exportMetrics(root.path(), "probe");
            if (export.exitCode() != 0) {
                return Optional.of("real runsc sandboxes start but do not answer here: " + export.describe());
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("real runsc sandboxes cannot start here: " + e.getMessage());
        }
    }

    /** Runs {@code runsc --root=ROOT export-metrics [FLAGS...] ID} and returns what it printed. */
    public static ProcResult exportMetrics(Path root, String id, String... flags) throws IOException {
        List<String> args = new ArrayList<>();
        args.add("--root=" + root);
        args.add("export-metrics");
        args.addAll(List.of(flags));
        args.add(id);
        return run(args);
    }

    /** Runs the real runsc with these arguments and {@link #COMMAND_DEADLINE}, capturing its output. */
    public static ProcResult run(List<String> args) throws IOException {
        try (ScratchDir dir = ScratchDir.create("ro")) {
            return run(args, dir.resolve("stdout"), dir.resolve("stderr"), COMMAND_DEADLINE);
        }
    }

    /**
     * Runs the real runsc with stdin from {@code /dev/null} and stdout and stderr into files: a
     * sandbox that {@code create} forks keeps them open for its whole life, so pipes would never
     * reach end of file. After the deadline the command is killed and an IOException names it.
     */
    static ProcResult run(List<String> args, Path stdout, Path stderr, Duration deadline) throws IOException {
        Path bin = binary().orElseThrow(() -> new IOException(staticReason().orElse("runsc binary missing")));
        List<String> command = new ArrayList<>();
        command.add(bin.toString());
        command.addAll(args);
        return Proc.run(new ProcessBuilder(command), stdout, stderr, deadline);
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
}
