// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command to completion with a deadline. Output goes to files, not pipes: a command that
 * leaves a child behind holding its stdout (as {@code runsc create} does) would otherwise never
 * reach end of file. A command that misses its deadline is killed with its descendants and the
 * test fails naming it.
 */
final class Proc {
    /** Default deadline for one short command. */
    static final Duration DEADLINE = Duration.ofSeconds(30);
    /** How long a killed process gets to disappear. */
    static final Duration KILL_GRACE = Duration.ofSeconds(10);

    private static final File DEV_NULL = new File("/dev/null");

    private Proc() {
    }

    /** Runs {@code command} with {@link #DEADLINE}. */
    static ProcResult run(List<String> command) throws IOException, InterruptedException {
        return run(command, DEADLINE);
    }

    /** Runs {@code command}, stdin from {@code /dev/null}, and waits at most {@code deadline}. */
    static ProcResult run(List<String> command, Duration deadline) throws IOException, InterruptedException {
        return run(command, deadline, DEV_NULL);
    }

    /** Runs {@code command} with {@code input} on its stdin and {@link #DEADLINE}. */
    static ProcResult runWithInput(List<String> command, byte[] input) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pi");
        try {
            return run(command, DEADLINE, Files.write(dir.resolve("in"), input).toFile());
        } finally {
            ScratchDir.deleteTree(dir);
        }
    }

    private static ProcResult run(List<String> command, Duration deadline, File stdin)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pr");
        try {
            Path out = dir.resolve("out");
            Path err = dir.resolve("err");
            Process p = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(stdin))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            try {
                if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError(String.join(" ", command) + " did not finish within "
                            + deadline.toSeconds() + " s; stderr so far: " + Files.readString(err).strip());
                }
            } finally {
                killTree(p.toHandle());
            }
            return new ProcResult(command, p.exitValue(), Files.readAllBytes(out),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            ScratchDir.deleteTree(dir);
        }
    }

    /**
     * SIGKILLs a process and every descendant still alive, and waits until they are gone. An interrupt
     * stops the waiting (the flag is kept), not the killing. A process that has already exited is left
     * alone: its PID may belong to another process by now (PIDs wrap at 32768 on these machines), and
     * that process's children are not ours to kill.
     */
    static void killTree(ProcessHandle root) {
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
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new AssertionError("process " + h.pid() + " survived SIGKILL for " + KILL_GRACE.toSeconds() + " s", e);
            }
        }
    }
}
