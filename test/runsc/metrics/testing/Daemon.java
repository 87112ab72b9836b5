// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A long-running subprocess (a metric server, a simulation, socat, Prometheus,
 * systemd-socket-activate) with its stdout and stderr in files {@code <name>.out} and
 * {@code <name>.err} of a log directory. Closing it sends SIGTERM, waits {@link #STOP_GRACE}, then
 * SIGKILLs it and its descendants, so a failing test never leaves it running.
 */
public final class Daemon implements AutoCloseable {
    /** How long a daemon gets to exit after SIGTERM before it is killed. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(20);

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

    /**
     * Starts {@code command}, stdin from {@code /dev/null}, output into {@code logDir}, without
     * {@code RUNSC_METRICS_JAVA_OPTS}, so that the image runs with its own JVM options whatever the
     * environment of the tests.
     *
     * @param name names the output files and the daemon in messages
     * @param command the command and its arguments
     * @param logDir where {@code <name>.out} and {@code <name>.err} go
     * @return the running daemon
     * @throws IOException if it cannot be started
     */
    public static Daemon start(String name, List<String> command, Path logDir) throws IOException {
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().remove("RUNSC_METRICS_JAVA_OPTS");
        return new Daemon(name, command, builder.start(), out, err);
    }

    /** Its process ID. */
    public long pid() {
        return process.pid();
    }

    /** Whether it still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Everything it printed on stdout so far.
     *
     * @return the text
     * @throws IOException if the file cannot be read
     */
    public String stdout() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /**
     * Everything it printed on stderr so far.
     *
     * @return the text
     * @throws IOException if the file cannot be read
     */
    public String stderr() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    /**
     * Waits until its stdout contains {@code text}; fails early, with its output, if it exits.
     *
     * @param text what to wait for
     * @param deadline how long to wait
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitStdout(String text, Duration deadline) throws InterruptedException {
        awaitReady("\"" + text + "\" on its stdout", deadline, () -> stdout().contains(text));
    }

    /**
     * Waits until its stderr contains {@code text}, such as a server's start-up line, printed once
     * it listens. A Unix socket file alone does not say so: it appears at bind(2), before
     * listen(2), and a connection in between is refused.
     *
     * @param text what to wait for
     * @param deadline how long to wait
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitStderr(String text, Duration deadline) throws InterruptedException {
        awaitReady("\"" + text + "\" on its stderr", deadline, () -> stderr().contains(text));
    }

    /**
     * Waits until {@code file} exists; fails early, with its output, if it exits.
     *
     * @param file what to wait for
     * @param deadline how long to wait
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitFile(Path file, Duration deadline) throws InterruptedException {
        awaitReady(file + " to exist", deadline, () -> Files.exists(file));
    }

    /** A readiness check that may read files. */
    @FunctionalInterface
    public interface Check {
        /**
         * Whether the daemon is ready.
         *
         * @return true once it is
         * @throws IOException where a file it reads is not (completely) there yet: not ready
         * @throws InterruptedException if interrupted
         */
        boolean ready() throws IOException, InterruptedException;
    }

    /**
     * Polls {@code check} until it holds; fails if the deadline passes or the daemon exits first.
     *
     * @param what what is awaited, for the failure message
     * @param deadline how long to wait
     * @param check whether it is ready
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitReady(String what, Duration deadline, Check check) throws InterruptedException {
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

    /**
     * Sends SIGTERM and returns the exit status; fails if it does not exit within {@link #STOP_GRACE}
     * (closing kills it then).
     *
     * @return its exit status
     * @throws InterruptedException if interrupted while waiting
     */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + STOP_GRACE.toSeconds() + " s of SIGTERM; "
                    + describe());
        }
        return process.exitValue();
    }

    /**
     * What it printed so far, for messages and checks.
     *
     * @return {@code stdout: ...; stderr: ...}, or why the files cannot be read
     */
    public String output() {
        try {
            return "stdout: " + stdout().strip() + "; stderr: " + stderr().strip();
        } catch (IOException e) {
            return "output unreadable: " + e.getMessage();
        }
    }

    /**
     * Command, state and output, for assertion messages.
     *
     * @return the description
     */
    public String describe() {
        String status = process.isAlive() ? "running" : "exited " + process.exitValue();
        return String.join(" ", command) + " (" + status + "); " + output();
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
