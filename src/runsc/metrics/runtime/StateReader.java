// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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
 * <p>Both files are opened without blocking and must be regular files: a FIFO, socket or device in
 * the root is refused, never waited on (see {@link RootFile}). A state file must hold the state of
 * the container its name gives.
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
     * that cost (BENCHMARKS.md, export-metrics start-up: about 20 ms, the largest single cost of a short command)
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
            // Java cannot open without blocking, and opening a FIFO for reading waits for a writer:
            // only a regular file is opened here. (A file swapped for a FIFO between this stat and
            // the open would still block; runsc never does that, and the locked read, which opens
            // without blocking, is the one that decides.)
            BasicFileAttributes attributes = Files.readAttributes(stateFile, BasicFileAttributes.class);
            if (!attributes.isRegularFile() || attributes.size() > MAX_STATE_FILE_BYTES) {
                return Optional.empty();
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(stateFile)) {
                bytes = in.readNBytes(MAX_STATE_FILE_BYTES + 1);
            }
            if (bytes.length > MAX_STATE_FILE_BYTES) {
                return Optional.empty();
            }
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
        int fd;
        switch (RootFile.open(lockFile)) {
            case RootFile.Missing missing -> {
                return new ReadOutcome.Gone();
            }
            case RootFile.Denied denied -> {
                return readUnlocked(stateFile, FileStat::of);
            }
            case RootFile.Refused refused -> {
                return new ReadOutcome.Failed(new IOException("lock file " + lockFile + ": " + refused.reason()));
            }
            case RootFile.Opened opened -> fd = opened.fd();
        }
        try {
            Posix.Result lock = Posix.tryLockExclusive(fd);
            if (lock.failed()) {
                return lock.errno() == Posix.EWOULDBLOCK
                        ? new ReadOutcome.Locked()
                        : new ReadOutcome.Failed(new IOException(
                                "cannot lock " + lockFile + ": " + Posix.describe(lock.errno())));
            }
            Contents contents;
            try {
                contents = readRegular(stateFile);
            } catch (NoSuchFileException e) {
                return new ReadOutcome.Gone();
            } catch (StateFileException e) {
                return new ReadOutcome.Failed(e);
            } finally {
                // A failed unlock needs no handling: closing the descriptor below releases the lock.
                Posix.unlock(fd);
            }
            if (peek != null && Arrays.equals(contents.bytes(), peek.bytes())) {
                return new ReadOutcome.Loaded(peek.state(), contents.stat(), true);
            }
            try {
                return new ReadOutcome.Loaded(decode(contents.bytes(), stateFile), contents.stat());
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
            bytes = readRegular(stateFile).bytes();
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
            return new ReadOutcome.Loaded(belonging(StateDecoder.decode(json, stateFile), stateFile), before);
        } catch (StateFileException e) {
            return new ReadOutcome.Failed(e);
        }
    }

    /**
     * Parses and decodes state file bytes, and checks that the state belongs to the container its
     * file name names.
     *
     * @throws StateFileException if empty, not JSON, of the wrong shape, or another container's
     *     state; names the file, and for bytes that are not JSON only the position of the error
     *     (such a file may be anything, a symbolic link to a secret included)
     */
    static ContainerState decode(byte[] bytes, Path stateFile) throws StateFileException {
        if (bytes.length == 0) {
            throw new StateFileException(stateFile, "file is empty", null);
        }
        JsonValue json;
        try {
            json = Json.parse(bytes, LIMITS);
        } catch (JsonException e) {
            // Not kept as the cause either: the parser's own message quotes the bytes.
            throw new StateFileException(stateFile, "not valid JSON at line " + e.line() + ", column " + e.column()
                    + " (path " + e.path() + ")", null);
        }
        return belonging(StateDecoder.decode(json, stateFile), stateFile);
    }

    /**
     * Checks the IDs inside a state file against its name: runsc names every state file after the
     * container and sandbox it holds, so a mismatch (a copy or a symbolic link to another
     * container's file) would make one sandbox appear twice, under a name that is not its own.
     */
    private static ContainerState belonging(ContainerState state, Path stateFile) throws StateFileException {
        Path name = stateFile.getFileName();
        FullId named = name == null ? null : StateFileName.parse(name.toString()).orElse(null);
        if (named != null && (!named.containerId().equals(state.id()) || !named.sandboxId().equals(state.sandbox().id()))) {
            throw new StateFileException(stateFile, "holds the state of container \"" + state.id() + "\" of sandbox \""
                    + state.sandbox().id() + "\", not of container \"" + named.containerId() + "\" of sandbox \""
                    + named.sandboxId() + "\" that its name gives", null);
        }
        return state;
    }

    /** A state file's bytes and the {@code fstat} of the descriptor they were read from. */
    private record Contents(byte[] bytes, FileStat stat) {}

    /**
     * Reads a state file if it is a regular file of at most {@link #MAX_STATE_FILE_BYTES} bytes,
     * never blocking on its type (see {@link RootFile}).
     *
     * @throws NoSuchFileException if it does not exist
     * @throws StateFileException for anything else that goes wrong; names the file
     */
    private static Contents readRegular(Path stateFile) throws NoSuchFileException, StateFileException {
        int fd;
        FileStatus status;
        switch (RootFile.open(stateFile)) {
            case RootFile.Missing missing -> throw new NoSuchFileException(stateFile.toString());
            case RootFile.Denied denied -> throw new StateFileException(stateFile,
                    "cannot open: " + Posix.describe(Posix.EACCES), null);
            case RootFile.Refused refused -> throw new StateFileException(stateFile, refused.reason(), null);
            case RootFile.Opened opened -> {
                fd = opened.fd();
                status = opened.status();
            }
        }
        try {
            if (status.size() > MAX_STATE_FILE_BYTES) {
                throw tooLarge(stateFile, status.size());
            }
            byte[] bytes;
            try {
                bytes = Posix.readUpTo(fd, status.size(), MAX_STATE_FILE_BYTES + 1);
            } catch (IOException e) {
                throw new StateFileException(stateFile, "cannot read: " + e.getMessage(), e);
            }
            if (bytes.length > MAX_STATE_FILE_BYTES) {
                // The file grew after the fstat; the count is a lower bound.
                throw tooLarge(stateFile, bytes.length);
            }
            return new Contents(bytes, status.toFileStat());
        } finally {
            Posix.close(fd);
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
