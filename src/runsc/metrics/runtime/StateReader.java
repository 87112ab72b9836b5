// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import runsc.metrics.json.Json;
import runsc.metrics.json.JsonException;
import runsc.metrics.json.JsonLimits;
import runsc.metrics.json.JsonValue;

/**
 * Reads container state files the way runsc does: {@code flock(LOCK_EX|LOCK_NB)} on the
 * container's {@code .lock} file, read the {@code .state} file whole, unlock, close.
 *
 * <p>The lock file is opened without {@code O_CREAT} (runsc creates it; a reader should not leave
 * strays behind after racing a delete), so a missing lock file means {@link ReadOutcome.Gone}. When
 * the lock file cannot be opened for lack of permission, the reader falls back to the lock-less
 * algorithm: stat, read, stat, and accept only a non-empty, complete, unchanged file; anything
 * else is {@link ReadOutcome.Locked} (runsc rewrites state files in place, so a lock-less reader
 * can see them empty or cut short).
 *
 * <p>A short command can also {@linkplain #peek peek} at a state file without the lock, to work
 * from while {@link #linkNative()} links the lock's downcall on another thread, and then hand the
 * peek to {@link #readWaiting(FullId, Duration, Peek)}: the locked read keeps the peeked state
 * only when the file's bytes under the lock are the same.
 */
public final class StateReader {
    /** Largest state file accepted; real ones are about 50 KB (most of it the metric registration). */
    public static final int MAX_STATE_FILE_BYTES = 16 << 20;
    /** Pause between two lock attempts of {@link #readWaiting(FullId, Duration)}. */
    static final Duration RETRY_PAUSE = Duration.ofMillis(20);

    private static final JsonLimits LIMITS = JsonLimits.DEFAULT.withMaxBytes(MAX_STATE_FILE_BYTES)
            .withDuplicateKeys(JsonLimits.DuplicateKeys.KEEP_LAST);

    private final RuntimeRoot root;

    /**
     * Creates a reader for one root directory.
     *
     * @param root the runsc root
     */
    public StateReader(RuntimeRoot root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    /**
     * Returns the root this reader reads from.
     *
     * @return the root
     */
    public RuntimeRoot root() {
        return root;
    }

    /**
     * A state file read and decoded without its lock. It is a guess: runsc may be rewriting the
     * file. Only a locked read that finds the same bytes makes it the container's state.
     *
     * @param state the decoded state
     * @param bytes the file's bytes, for the locked read to compare
     */
    public record Peek(ContainerState state, byte[] bytes) {
        /** Requires both; keeps the array as it is (nothing else holds it). */
        public Peek {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(bytes, "bytes");
        }
    }

    /**
     * Links the native calls that the locked reads make, so that a thread started early can take
     * that cost (BENCHMARKS.md runs 6 and 7: about 20 ms, the largest single cost of a short command)
     * while another works from a {@linkplain #peek peek}. Calling it is never needed: the first
     * locked read links them otherwise, or waits for a link in progress.
     */
    public static void linkNative() {
        Posix.link();
    }

    /**
     * Reads a container's state file without its lock; needs no native call.
     *
     * @param id the container
     * @return the decoded state and its bytes, or empty if the file is missing, too large, or does
     *         not decode (the locked read then says why)
     */
    public Optional<Peek> peek(FullId id) {
        Path stateFile = root.stateFile(id);
        try {
            byte[] bytes = readBounded(stateFile, FileStat.of(stateFile));
            return Optional.of(new Peek(decode(bytes, stateFile), bytes));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Reads a container's state under its lock, never waiting for the lock.
     *
     * @param id the container
     * @return loaded, locked (someone holds the lock), gone, or failed
     */
    public ReadOutcome read(FullId id) {
        return read(id, null);
    }

    /** {@link #read(FullId)}; when the bytes under the lock are {@code peek}'s, its state is returned as it is. */
    private ReadOutcome read(FullId id, Peek peek) {
        Path lockFile = root.lockFile(id);
        Path stateFile = root.stateFile(id);
        Posix.Result open = Posix.openReadOnly(lockFile.toString());
        if (open.failed()) {
            return switch (open.errno()) {
                case Posix.ENOENT -> new ReadOutcome.Gone();
                case Posix.EACCES -> readUnlocked(stateFile, FileStat::of);
                default -> new ReadOutcome.Failed(new IOException(
                        "cannot open lock file " + lockFile + ": " + Posix.describe(open.errno())));
            };
        }
        int fd = open.value();
        try {
            Posix.Result lock = Posix.tryLockExclusive(fd);
            if (lock.failed()) {
                return lock.errno() == Posix.EWOULDBLOCK
                        ? new ReadOutcome.Locked()
                        : new ReadOutcome.Failed(new IOException(
                                "cannot lock " + lockFile + ": " + Posix.describe(lock.errno())));
            }
            FileStat stat;
            byte[] bytes;
            try {
                stat = FileStat.of(stateFile);
                bytes = readBounded(stateFile, stat);
            } catch (NoSuchFileException e) {
                return new ReadOutcome.Gone();
            } catch (IOException e) {
                return new ReadOutcome.Failed(named(stateFile, e));
            } finally {
                // A failed unlock needs no handling: closing the descriptor below releases the lock.
                Posix.unlock(fd);
            }
            if (peek != null && Arrays.equals(bytes, peek.bytes())) {
                return new ReadOutcome.Loaded(peek.state(), stat, true);
            }
            try {
                return new ReadOutcome.Loaded(decode(bytes, stateFile), stat);
            } catch (StateFileException e) {
                return new ReadOutcome.Failed(e);
            }
        } finally {
            Posix.close(fd);
        }
    }

    /**
     * Reads a container's state under its lock, retrying while the lock is held, up to a deadline
     * (for the command line, where runsc would block on the lock).
     *
     * @param id the container
     * @param maxWait how long to keep trying
     * @return loaded, gone, or failed; a lock still held at the deadline is failed, naming the wait
     * @throws InterruptedException if interrupted while pausing between attempts
     */
    public ReadOutcome readWaiting(FullId id, Duration maxWait) throws InterruptedException {
        return readWaiting(id, maxWait, null);
    }

    /**
     * {@link #readWaiting(FullId, Duration)}, confirming a peek: when the file's bytes under the
     * lock equal {@code peek}'s, the outcome is {@link ReadOutcome.Loaded} with
     * {@link ReadOutcome.Loaded#confirmsPeek()} true and {@code peek}'s state, and nothing is
     * decoded a second time.
     *
     * @param id the container
     * @param maxWait how long to keep trying
     * @param peek an earlier lock-less read of the same container, or {@code null}
     * @return loaded, gone, or failed; a lock still held at the deadline is failed, naming the wait
     * @throws InterruptedException if interrupted while pausing between attempts
     */
    public ReadOutcome readWaiting(FullId id, Duration maxWait, Peek peek) throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            ReadOutcome outcome = read(id, peek);
            if (!(outcome instanceof ReadOutcome.Locked)) {
                return outcome;
            }
            if (System.nanoTime() - deadline >= 0) {
                return new ReadOutcome.Failed(new IOException("state file " + root.stateFile(id)
                        + " is still locked by another process after " + maxWait.toMillis() + " ms"));
            }
            Thread.sleep(RETRY_PAUSE);
        }
    }

    /** How the lock-less read stats the file; tests substitute one that sees a change. */
    @FunctionalInterface
    interface Stat {
        FileStat of(Path file) throws IOException;
    }

    /** The lock-less algorithm (stat, read, stat); see the class comment. */
    static ReadOutcome readUnlocked(Path stateFile, Stat stat) {
        byte[] bytes;
        FileStat before;
        try {
            before = stat.of(stateFile);
            bytes = readBounded(stateFile, before);
            FileStat after = stat.of(stateFile);
            if (bytes.length == 0 || bytes.length != after.size() || !before.sufficientlyEqual(after)) {
                return new ReadOutcome.Locked();
            }
        } catch (NoSuchFileException e) {
            return new ReadOutcome.Gone();
        } catch (IOException e) {
            return new ReadOutcome.Failed(named(stateFile, e));
        }
        JsonValue json;
        try {
            json = Json.parse(bytes, LIMITS);
        } catch (JsonException torn) {
            // A rewrite caught between truncate and write looks like a prefix of the JSON.
            return new ReadOutcome.Locked();
        }
        try {
            return new ReadOutcome.Loaded(StateDecoder.decode(json, stateFile), before);
        } catch (StateFileException e) {
            return new ReadOutcome.Failed(e);
        }
    }

    /**
     * Parses and decodes state file bytes.
     *
     * @throws StateFileException if empty, not JSON or of the wrong shape; names the file
     */
    static ContainerState decode(byte[] bytes, Path stateFile) throws StateFileException {
        if (bytes.length == 0) {
            throw new StateFileException(stateFile, "file is empty", null);
        }
        JsonValue json;
        try {
            json = Json.parse(bytes, LIMITS);
        } catch (JsonException e) {
            throw new StateFileException(stateFile, "not valid JSON: " + e.getMessage(), e);
        }
        return StateDecoder.decode(json, stateFile);
    }

    private static byte[] readBounded(Path stateFile, FileStat stat) throws IOException {
        if (stat.size() > MAX_STATE_FILE_BYTES) {
            throw tooLarge(stateFile, stat.size());
        }
        try (InputStream in = Files.newInputStream(stateFile)) {
            byte[] bytes = in.readNBytes(MAX_STATE_FILE_BYTES + 1);
            if (bytes.length > MAX_STATE_FILE_BYTES) {
                // The file grew after the stat; the count is a lower bound.
                throw tooLarge(stateFile, bytes.length);
            }
            return bytes;
        }
    }

    /** Keeps errors that name the file already; wraps the JDK's, whose message may be just a path. */
    private static IOException named(Path stateFile, IOException e) {
        return e instanceof StateFileException ? e : new StateFileException(stateFile, "cannot read: " + e, e);
    }

    private static StateFileException tooLarge(Path stateFile, long size) {
        return new StateFileException(stateFile, "file exceeds the limit of " + MAX_STATE_FILE_BYTES
                + " bytes (found " + size + ")", null);
    }
}
