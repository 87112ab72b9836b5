// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import runsc.metrics.testing.Proc;
import runsc.metrics.testing.Tools;

/**
 * A long-running subprocess (a metric server, a simulation, socat, Prometheus) with its stdout and
 * stderr in files {@code <name>.out} and {@code <name>.err} of a log directory. Closing it sends
 * SIGTERM, waits {@link #STOP_GRACE}, then SIGKILLs it and its descendants, so a failing test never
 * leaves it running.
 */
final class Daemon implements AutoCloseable {
    /** How long a daemon gets to exit after SIGTERM before it is killed. */
    static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private static final File DEV_NULL = new File("/dev/null");

    private final String name;
    private final List<String> command;
    private final Process process;
    private final Path out;
    private final Path err;

    private Daemon(String name, List<String> command, Process process, Path out, Path err) {
        this.name = name;
        this.command = List.copyOf(command);
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts {@code command}, stdin from {@code /dev/null}, output into {@code logDir}. */
    static Daemon start(String name, List<String> command, Path logDir) throws IOException {
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        return new Daemon(name, command, p, out, err);
    }

    /** Its process ID. */
    long pid() {
        return process.pid();
    }

    /** Whether it still runs. */
    boolean isAlive() {
        return process.isAlive();
    }

    /** Everything it printed on stdout so far. */
    String stdout() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** Everything it printed on stderr so far. */
    String stderr() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    /** Waits until its stdout contains {@code text}; fails early, with its stderr, if it exits. */
    void awaitStdout(String text, Duration deadline) throws InterruptedException {
        awaitReady("\"" + text + "\" on its stdout", deadline, () -> stdout().contains(text));
    }

    /** Waits until {@code file} exists; fails early, with its stderr, if it exits. */
    void awaitFile(Path file, Duration deadline) throws InterruptedException {
        awaitReady(file + " to exist", deadline, () -> Files.exists(file));
    }

    /** A readiness check that may read files. */
    interface Check {
        /** Whether the daemon is ready. */
        boolean ready() throws IOException, InterruptedException;
    }

    /** Polls {@code check} until it holds; fails if the deadline passes or the daemon exits first. */
    void awaitReady(String what, Duration deadline, Check check) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            try {
                if (check.ready()) {
                    return;
                }
            } catch (IOException e) {
                // not ready yet: the file is being written or the port not yet open
            }
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited " + process.exitValue() + " while waiting for " + what
                        + "; " + describe());
            }
            if (System.nanoTime() - end > 0) {
                throw new AssertionError(name + " did not get ready within " + deadline.toMillis() + " ms (" + what
                        + "); " + describe());
            }
            Thread.sleep(Tools.POLL);
        }
    }

    /** Sends SIGTERM and returns the exit status; fails if it does not exit within {@link #STOP_GRACE}. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + STOP_GRACE.toSeconds() + " s of SIGTERM; "
                    + describe());
        }
        return process.exitValue();
    }

    /** Command, state and output, for assertion messages. */
    String describe() {
        String status = process.isAlive() ? "running" : "exited " + process.exitValue();
        String text;
        try {
            text = "stdout: " + stdout().strip() + "; stderr: " + stderr().strip();
        } catch (IOException e) {
            text = "output unreadable: " + e.getMessage();
        }
        return String.join(" ", command) + " (" + status + "); " + text;
    }

    /** SIGTERM, a grace period, then SIGKILL for it and anything it started. */
    @Override
    public void close() {
        // Only a live process has descendants we can trust (see Proc.killTree).
        List<ProcessHandle> children = process.isAlive() ? process.descendants().toList() : List.of();
        if (process.isAlive()) {
            process.destroy();
            try {
                process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();  // kill at once below
            }
        }
        Proc.killTree(process.toHandle());
        for (ProcessHandle child : children) {
            Proc.killTree(child);
        }
    }

    @Override
    public String toString() {
        return name + "[" + process.pid() + "]";
    }
}
