// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.tls;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Holds what was read from some files and reads them again when they change, looking at most once
 * a second, from the handshake that asks. A change that cannot be read (a certificate written
 * before its key, a file half copied) keeps what was read before and is logged once; the next
 * change is tried again. Handshakes never wait: while one thread reloads, others use the current
 * value.
 *
 * @param <T> what the files are read into
 */
final class Reloader<T> {
    /** How often the files are looked at, at most. */
    static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;

    /** Reads the files into a value. */
    @FunctionalInterface
    interface Load<T> {
        T load() throws TlsSetupException;
    }

    private final List<Path> files;
    private final Load<T> load;
    private final String what;
    private final Consumer<String> log;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile T current;
    private volatile List<FileStamp> stamps;
    private volatile List<FileStamp> refused = List.of();
    private volatile long nextCheck;

    /**
     * Reads the files for the first time.
     *
     * @param files what to watch
     * @param what  names the value in log lines ("TLS certificate and key")
     * @param load  reads the files
     * @param log   receives a line per reload and per refused change
     * @throws TlsSetupException if the first read fails
     */
    Reloader(List<Path> files, String what, Load<T> load, Consumer<String> log) throws TlsSetupException {
        this.files = List.copyOf(files);
        this.what = what;
        this.load = load;
        this.log = log;
        this.stamps = FileStamp.of(this.files);
        this.current = load.load();
        this.nextCheck = System.nanoTime() + CHECK_INTERVAL_NANOS;
    }

    /** The current value, after reading the files again if a second has passed and they changed. */
    T get() {
        long now = System.nanoTime();
        if (now - nextCheck >= 0 && lock.tryLock()) {
            try {
                nextCheck = now + CHECK_INTERVAL_NANOS;
                List<FileStamp> seen = FileStamp.of(files);
                if (!seen.equals(stamps) && !seen.equals(refused)) {
                    reload(seen);
                }
            } finally {
                lock.unlock();
            }
        }
        return current;
    }

    private void reload(List<FileStamp> seen) {
        try {
            T loaded = load.load();
            // The stamps from before the read: a change during it is seen at the next check.
            current = loaded;
            stamps = seen;
            refused = List.of();
            log.accept("tls: re-read the " + what + " after a change of " + files);
        } catch (TlsSetupException e) {
            refused = seen;
            log.accept("tls: keeping the " + what + " read before, since the changed files cannot be used: " + e.getMessage());
        }
    }
}
