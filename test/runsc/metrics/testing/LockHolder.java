// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Holds {@code flock -x} on a lock file from another process, as a runsc command in progress would,
 * until closed. Ready once flock(1) has the lock: its command prints a line only then.
 */
public final class LockHolder implements AutoCloseable {
    /** The longest a holder keeps the lock if the test never closes it. */
    static final Duration MAX_HOLD = Duration.ofSeconds(60);
    /** How long flock(1) may take to report that it holds the lock. */
    static final Duration READY = Duration.ofSeconds(10);

    private final Process process;

    private LockHolder(Process process) {
        this.process = process;
    }

    /** Takes the lock; returns once it is held. Skips the test when flock(1) is missing. */
    public static LockHolder hold(Path lockFile) throws IOException {
        Path flock = Tools.assume("flock", "util-linux");
        Process p = new ProcessBuilder(flock.toString(), "-x", lockFile.toString(), "sh", "-c",
                "echo held; exec sleep " + MAX_HOLD.toSeconds()).redirectErrorStream(true).start();
        LockHolder holder = new LockHolder(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        try {
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return "unreadable: " + e.getMessage();
                }
            }).get(READY.toMillis(), TimeUnit.MILLISECONDS);
            if (!"held".equals(line)) {
                throw new IOException("flock -x " + lockFile + " printed " + line + " instead of \"held\"");
            }
        } catch (InterruptedException | ExecutionException | TimeoutException | IOException e) {
            holder.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("flock -x " + lockFile + " did not hold the lock within " + READY.toSeconds() + " s", e);
        }
        return holder;
    }

    /** Releases the lock: flock(1) and its command both end (the command inherits the descriptor). */
    @Override
    public void close() {
        Proc.killTree(process.toHandle());
    }
}
