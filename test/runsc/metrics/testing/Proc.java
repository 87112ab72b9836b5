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
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one command to completion with a deadline: the one process runner of the tests. Output goes
 * to files, not pipes: a command that leaves a child behind holding its stdout (as {@code runsc
 * create} does) would otherwise never reach end of file. A command that misses its deadline is
 * killed with its descendants and an IOException names it.
 */
public final class Proc {
    /** Default deadline for one short command. */
    public static final Duration DEADLINE = Duration.ofSeconds(30);
    /** How long a killed process gets to disappear. */
    public static final Duration KILL_GRACE = Duration.ofSeconds(10);

    private static final File DEV_NULL = new File("/dev/null");

    private Proc() {
    }

    /** Runs {@code command} with {@link #DEADLINE}. */
    public static ProcResult run(List<String> command) throws IOException {
        return run(command, DEADLINE);
    }

    /** Runs {@code command}, stdin from {@code /dev/null}, and waits at most {@code deadline}. */
    public static ProcResult run(List<String> command, Duration deadline) throws IOException {
        return run(new ProcessBuilder(command), deadline);
    }

    /** Runs {@code command} with {@code input} on its stdin and {@link #DEADLINE}. */
    public static ProcResult runWithInput(List<String> command, byte[] input) throws IOException {
        try (ScratchDir dir = ScratchDir.create("pi")) {
            return run(new ProcessBuilder(command).redirectInput(Files.write(dir.resolve("in"), input).toFile()),
                    DEADLINE);
        }
    }

    /**
     * Runs what {@code builder} describes (its directory, environment and, unless set, stdin from
     * {@code /dev/null}) and waits at most {@code deadline}.
     */
    public static ProcResult run(ProcessBuilder builder, Duration deadline) throws IOException {
        try (ScratchDir dir = ScratchDir.create("pr")) {
            return run(builder, dir.resolve("out"), dir.resolve("err"), deadline);
        }
    }

    /** {@link #run(ProcessBuilder, Duration)} with stdout and stderr kept in the files given. */
    public static ProcResult run(ProcessBuilder builder, Path stdout, Path stderr, Duration deadline)
            throws IOException {
        if (builder.redirectInput() == ProcessBuilder.Redirect.PIPE) {
            builder.redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        }
        Process p = builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        try {
            if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException(String.join(" ", builder.command()) + " did not finish within "
                        + deadline.toSeconds() + " s; stderr so far: " + Files.readString(stderr).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException stop = new InterruptedIOException("interrupted while running " + builder.command());
            stop.initCause(e);
            throw stop;
        } finally {
            killTree(p.toHandle());
        }
        return new ProcResult(builder.command(), p.exitValue(), Files.readAllBytes(stdout),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }

    /**
     * SIGKILLs a process and every descendant still alive, and waits until they are gone. An interrupt
     * stops the waiting (the flag is kept), not the killing. A process that has already exited is left
     * alone: its PID may belong to another process by now (PIDs wrap at 32768 on these machines), and
     * that process's children are not ours to kill.
     */
    public static void killTree(ProcessHandle root) {
        if (!root.isAlive()) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
        all.add(root);
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                throw new AssertionError("process " + h.pid() + " survived SIGKILL for " + KILL_GRACE.toSeconds() + " s", e);
            }
        }
    }
}
