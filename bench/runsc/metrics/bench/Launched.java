// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@code runsc-metrics} process started from the image's launcher (which {@code exec}s the JVM,
 * so the process ID is the JVM's), with its stdout read by a thread and stopped with SIGTERM.
 */
final class Launched implements AutoCloseable {
    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private Launched(Process process) {
        this.process = process;
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The process ended; nothing more to read.
            }
        });
    }

    /**
     * Starts the launcher with arguments; {@code javaOpts} (may be empty) goes to
     * {@code RUNSC_METRICS_JAVA_OPTS}, replacing any inherited value.
     */
    static Launched start(Path image, String javaOpts, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(image.resolve("bin/runsc-metrics").toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        if (javaOpts.isEmpty()) {
            pb.environment().remove("RUNSC_METRICS_JAVA_OPTS");
        } else {
            pb.environment().put("RUNSC_METRICS_JAVA_OPTS", javaOpts);
        }
        return new Launched(pb.start());
    }

    /**
     * Starts any command (such as upstream's Go metric server) with its stdout read like the
     * launcher's and its stderr discarded.
     */
    static Launched command(List<String> command) throws IOException {
        return new Launched(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start());
    }

    /** {@return whether the process is still running} */
    boolean alive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Waits for a stdout line containing {@code marker}, up to {@code seconds}. */
    String awaitLine(String marker, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.contains(marker)) {
                return line;
            }
            if (line == null && !process.isAlive()) {
                throw new IOException("process exited with " + process.exitValue() + " before printing \"" + marker + "\"");
            }
        }
        throw new IOException("no line with \"" + marker + "\" within " + seconds + " s");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
