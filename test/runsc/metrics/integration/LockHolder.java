// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import runsc.metrics.testing.Tools;

/**
 * Holds {@code flock -x} on a runsc lock file from another process, as a runsc command in progress
 * would, until closed. Ready once flock(1) has the lock (its command prints a line only then).
 */
final class LockHolder implements AutoCloseable {
    /** The longest a holder keeps the lock if the test never closes it. */
    static final Duration MAX_HOLD = Duration.ofSeconds(60);

    private final Daemon holder;

    private LockHolder(Daemon holder) {
        this.holder = holder;
    }

    /** Takes the lock; returns once it is held. Skips the test when flock(1) is missing. */
    static LockHolder hold(Path lockFile, Path logDir) throws IOException, InterruptedException {
        Path flock = Tools.assume("flock", "util-linux");
        Daemon d = Daemon.start("flock-" + lockFile.getFileName().toString().replace(':', '-'), List.of(flock.toString(),
                "-x", lockFile.toString(), "sh", "-c", "echo held; exec sleep " + MAX_HOLD.toSeconds()), logDir);
        try {
            d.awaitStdout("held", Duration.ofSeconds(10));
        } catch (RuntimeException | Error | InterruptedException e) {
            d.close();
            throw e;
        }
        return new LockHolder(d);
    }

    /** Releases the lock: flock(1) and its command both end (the command inherits the descriptor). */
    @Override
    public void close() {
        holder.close();
    }
}
