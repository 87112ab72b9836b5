// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An exclusive {@code flock(2)} held on a runsc lock file, as runsc holds it while it creates or
 * saves a container. For the simulator and tests; readers use {@link StateReader}.
 *
 * <p>The lock belongs to this object's own open file description, so even another descriptor of
 * the same process cannot take it until {@link #close()}.
 */
public final class ExclusiveFlock implements AutoCloseable {
    private final Path file;
    private int fd;

    private ExclusiveFlock(Path file, int fd) {
        this.file = file;
        this.fd = fd;
    }

    /**
     * Tries to take the lock without waiting. The file must exist (it is not created).
     *
     * @param lockFile the {@code .lock} file
     * @return the held lock, or empty if someone else holds it
     * @throws IOException if the file cannot be opened ({@link NoSuchFileException} if missing) or locked
     */
    public static Optional<ExclusiveFlock> tryAcquire(Path lockFile) throws IOException {
        Posix.Result open = Posix.openReadOnly(lockFile.toString());
        if (open.failed()) {
            if (open.errno() == Posix.ENOENT) {
                throw new NoSuchFileException(lockFile.toString());
            }
            throw new IOException("cannot open lock file " + lockFile + ": " + Posix.describe(open.errno()));
        }
        Posix.Result lock = Posix.tryLockExclusive(open.value());
        if (lock.failed()) {
            Posix.close(open.value());
            if (lock.errno() == Posix.EWOULDBLOCK) {
                return Optional.empty();
            }
            throw new IOException("cannot lock " + lockFile + ": " + Posix.describe(lock.errno()));
        }
        return Optional.of(new ExclusiveFlock(lockFile, open.value()));
    }

    /**
     * Returns the locked file.
     *
     * @return the lock file path
     */
    public Path file() {
        return file;
    }

    /** Releases the lock and closes the descriptor; a second call does nothing. */
    @Override
    public synchronized void close() {
        if (fd >= 0) {
            Posix.unlock(fd);
            Posix.close(fd);
            fd = -1;
        }
    }
}
