// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runsc.metrics.json.Json;
import runsc.metrics.json.JsonNumber;
import runsc.metrics.json.JsonString;
import runsc.metrics.testing.LockHolder;
import runsc.metrics.testing.Tools;

class StateReaderTest {
    private static final FullId SB1 = FullId.root("sb1");

    @TempDir
    Path dir;

    private StateReader reader() {
        return new StateReader(new RuntimeRoot(dir));
    }

    private static String failure(ReadOutcome outcome) {
        return assertInstanceOf(ReadOutcome.Failed.class, outcome).error().getMessage();
    }

    @Test
    void loadsTheRealStateFile() {
        Path file = StateFixtures.writeRaw(dir, SB1, readSample());
        ReadOutcome.Loaded loaded = assertInstanceOf(ReadOutcome.Loaded.class, reader().read(SB1));
        assertEquals("sb1", loaded.state().id());
        assertEquals(Instant.parse("2026-11-25T03:34:49.899887494Z"), loaded.state().createdAt());
        assertEquals(readSample().length, loaded.stat().size());
        assertEquals(file.toString(), dir.resolve("sb1_sandbox:sb1.state").toString());
    }

    private static byte[] readSample() {
        try {
            return Files.readAllBytes(StateFixtures.SAMPLE);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void lockHeldByAnotherProcessIsLockedThenLoadsOnceReleased() throws Exception {
        StateFixtures.write(dir, StateFixtures.sample());
        try (LockHolder _ = LockHolder.hold(dir.resolve("sb1_sandbox:sb1.lock"))) {
            assertInstanceOf(ReadOutcome.Locked.class, reader().read(SB1));
            assertInstanceOf(ReadOutcome.Locked.class, reader().read(SB1));
        }
        assertInstanceOf(ReadOutcome.Loaded.class, reader().read(SB1));
    }

    @Test
    void readerReleasesItsLockAfterReading() throws Exception {
        StateFixtures.write(dir, StateFixtures.sample());
        assertInstanceOf(ReadOutcome.Loaded.class, reader().read(SB1));
        // flock -n fails (exit 1) if anyone, this JVM included, still holds the lock.
        Process probe = new ProcessBuilder(Tools.assume("flock", "util-linux").toString(), "-n", "-x", dir.resolve("sb1_sandbox:sb1.lock").toString(), "true")
                .start();
        assertEquals(0, probe.waitFor());
    }

    @Test
    void readWaitingGivesUpAtItsDeadlineNamingTheWait() throws Exception {
        StateFixtures.write(dir, StateFixtures.sample());
        try (LockHolder _ = LockHolder.hold(dir.resolve("sb1_sandbox:sb1.lock"))) {
            assertEquals("state file " + dir.resolve("sb1_sandbox:sb1.state")
                    + " is still locked by another process after 100 ms",
                    failure(reader().readWaiting(SB1, Duration.ofMillis(100))));
        }
        assertInstanceOf(ReadOutcome.Loaded.class, reader().readWaiting(SB1, Duration.ofMillis(100)));
    }

    @Test
    void missingLockFileIsGoneAndIsNotCreated() throws IOException {
        StateFixtures.write(dir, StateFixtures.sample());
        Files.delete(dir.resolve("sb1_sandbox:sb1.lock"));
        assertInstanceOf(ReadOutcome.Gone.class, reader().read(SB1));
        assertEquals(false, Files.exists(dir.resolve("sb1_sandbox:sb1.lock")));
    }

    @Test
    void missingStateFileBehindALockIsGone() throws IOException {
        Files.createFile(dir.resolve("sb1_sandbox:sb1.lock"));
        assertInstanceOf(ReadOutcome.Gone.class, reader().read(SB1));
    }

    @Test
    void emptyStateFileFailsNamingTheFile() {
        StateFixtures.writeRaw(dir, SB1, "");
        assertEquals("state file " + dir.resolve("sb1_sandbox:sb1.state") + ": file is empty", failure(reader().read(SB1)));
    }

    @Test
    void truncatedStateFileFailsNamingTheFileAndThePosition() {
        byte[] whole = readSample();
        StateFixtures.writeRaw(dir, SB1, java.util.Arrays.copyOf(whole, 32768));
        String message = failure(reader().read(SB1));
        assertTrue(message.matches("state file " + java.util.regex.Pattern.quote(dir.resolve("sb1_sandbox:sb1.state").toString())
                + ": not valid JSON at line \\d+, column \\d+ \\(path \\$[^)]*\\)"), message);
    }

    @Test
    void nonJsonStateFileFailsNamingTheFile() {
        StateFixtures.writeRaw(dir, SB1, "hello");
        assertEquals("state file " + dir.resolve("sb1_sandbox:sb1.state") + ": not valid JSON at line 1, column 1 (path $)",
                failure(reader().read(SB1)));
    }

    @Test
    void wronglyTypedStateFileFailsNamingFileAndField() {
        StateFixtures.write(dir, StateFixtures.at(StateFixtures.sample(), new JsonString("4500"), "sandbox", "pid"));
        assertEquals("state file " + dir.resolve("sb1_sandbox:sb1.state") + ": $.sandbox.pid: expected an integer, got a string",
                failure(reader().read(SB1)));
    }

    @Test
    void stateFileOverTheLimitFailsWithTheLimit() throws IOException {
        StateFixtures.writeRaw(dir, SB1, "");
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("sb1_sandbox:sb1.state").toFile(), "rw")) {
            f.setLength(StateReader.MAX_STATE_FILE_BYTES + 1L);
        }
        assertEquals("state file " + dir.resolve("sb1_sandbox:sb1.state")
                + ": file exceeds the limit of 16777216 bytes (found 16777217)", failure(reader().read(SB1)));
    }

    @Test
    void stateFileAtTheLimitIsReadWhole() throws IOException {
        byte[] sample = readSample();
        byte[] padded = new byte[StateReader.MAX_STATE_FILE_BYTES];
        java.util.Arrays.fill(padded, (byte) ' ');
        System.arraycopy(sample, 0, padded, 0, sample.length);
        StateFixtures.writeRaw(dir, SB1, padded);
        assertInstanceOf(ReadOutcome.Loaded.class, reader().read(SB1));
    }

    @Test
    void stateFileThatIsADirectoryFailsNamingTheFile() throws IOException {
        Files.createFile(dir.resolve("sb1_sandbox:sb1.lock"));
        Path state = Files.createDirectory(dir.resolve("sb1_sandbox:sb1.state"));
        String message = failure(reader().read(SB1));
        assertEquals("state file " + state + ": not a regular file (it is a directory)", message);
        assertEquals(message, failure(StateReader.readUnlocked(state, FileStat::of)));
    }

    @Test
    void unreadableLockFileFallsBackToTheLockLessRead() throws IOException {
        assumeTrue(!"root".equals(System.getProperty("user.name")),
                "root opens any file, so EACCES on the lock file cannot happen");
        StateFixtures.write(dir, StateFixtures.sample());
        Files.setPosixFilePermissions(dir.resolve("sb1_sandbox:sb1.lock"), java.util.Set.of());
        assertInstanceOf(ReadOutcome.Loaded.class, reader().read(SB1));
    }

    // The lock-less fallback (used when the lock file cannot be opened for lack of permission).

    @Test
    void lockLessReadLoadsAStableFile() {
        Path file = StateFixtures.write(dir, StateFixtures.sample());
        ReadOutcome.Loaded loaded = assertInstanceOf(ReadOutcome.Loaded.class, StateReader.readUnlocked(file, FileStat::of));
        assertEquals("sb1", loaded.state().sandbox().id());
    }

    @Test
    void lockLessReadRejectsAFileThatChangesBetweenTheTwoStats() {
        Path file = StateFixtures.write(dir, StateFixtures.sample());
        AtomicInteger calls = new AtomicInteger();
        StateReader.Stat changing = f -> {
            FileStat real = FileStat.of(f);
            return calls.getAndIncrement() == 0 ? real
                    : new FileStat(real.modified().plusNanos(1), real.size(), real.unix());
        };
        assertInstanceOf(ReadOutcome.Locked.class, StateReader.readUnlocked(file, changing));
        assertEquals(2, calls.get());
    }

    @Test
    void lockLessReadTreatsEmptyAndTornFilesAsLocked() {
        Path file = StateFixtures.writeRaw(dir, SB1, "");
        assertInstanceOf(ReadOutcome.Locked.class, StateReader.readUnlocked(file, FileStat::of));
        StateFixtures.writeRaw(dir, SB1, java.util.Arrays.copyOf(readSample(), 32768));
        assertInstanceOf(ReadOutcome.Locked.class, StateReader.readUnlocked(file, FileStat::of));
    }

    @Test
    void lockLessReadFailsOnACompleteButWronglyTypedFile() {
        Path file = StateFixtures.writeRaw(dir, SB1,
                Json.writeBytes(StateFixtures.without(StateFixtures.sample(), "sandbox")));
        assertEquals("state file " + file + ": $.sandbox: no sandbox object (missing or null)",
                failure(StateReader.readUnlocked(file, FileStat::of)));
    }

    @Test
    void lockLessReadOfAMissingFileIsGone() {
        assertInstanceOf(ReadOutcome.Gone.class, StateReader.readUnlocked(dir.resolve("none.state"), FileStat::of));
    }

    @Test
    void peekReadsTheStateWithoutTakingTheLock() throws Exception {
        StateFixtures.write(dir, StateFixtures.sample());
        // Another process holds the lock: a peek does not care, the locked read does.
        try (LockHolder _ = LockHolder.hold(dir.resolve("sb1_sandbox:sb1.lock"))) {
            StateReader.Peek peek = reader().peek(SB1).orElseThrow();
            assertEquals("sb1", peek.state().id());
            assertArrayEquals(Files.readAllBytes(dir.resolve("sb1_sandbox:sb1.state")), peek.bytes());
            assertInstanceOf(ReadOutcome.Locked.class, reader().read(SB1));
        }
    }

    @Test
    void peekOfAMissingTornOrOversizedFileIsEmpty() throws IOException {
        assertTrue(reader().peek(SB1).isEmpty(), "no state file");
        StateFixtures.writeRaw(dir, SB1, java.util.Arrays.copyOf(readSample(), 32768));
        assertTrue(reader().peek(SB1).isEmpty(), "torn state file");
        StateFixtures.writeRaw(dir, SB1, "");
        assertTrue(reader().peek(SB1).isEmpty(), "empty state file");
        Path file = dir.resolve("sb1_sandbox:sb1.state");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(StateReader.MAX_STATE_FILE_BYTES + 1L);
        }
        assertTrue(reader().peek(SB1).isEmpty(), "state file over the limit");
    }

    @Test
    void lockedReadOfUnchangedBytesConfirmsThePeekAsItIs() throws Exception {
        StateFixtures.write(dir, StateFixtures.sample());
        StateReader.Peek peek = reader().peek(SB1).orElseThrow();
        ReadOutcome.Loaded loaded = assertInstanceOf(ReadOutcome.Loaded.class,
                reader().readWaiting(SB1, Duration.ofSeconds(1), peek));
        assertTrue(loaded.confirmsPeek());
        assertSame(peek.state(), loaded.state());
    }

    @Test
    void lockedReadOfChangedBytesDecodesThemAgain() throws Exception {
        StateFixtures.write(dir, StateFixtures.sample());
        StateReader.Peek peek = reader().peek(SB1).orElseThrow();
        // Between the peek and the lock, runsc rewrites the file: the same sandbox, another pid.
        StateFixtures.write(dir, StateFixtures.at(StateFixtures.sample(), new JsonNumber("4242"), "sandbox", "pid"));
        ReadOutcome.Loaded loaded = assertInstanceOf(ReadOutcome.Loaded.class,
                reader().readWaiting(SB1, Duration.ofSeconds(1), peek));
        assertFalse(loaded.confirmsPeek());
        assertNotSame(peek.state(), loaded.state());
        assertEquals(4242, loaded.state().sandbox().pid());
        assertNotEquals(4242, peek.state().sandbox().pid());
    }

    @Test
    void lockedReadAfterAPeekStillReportsAFileDeletedMeanwhile() throws Exception {
        StateFixtures.write(dir, StateFixtures.sample());
        StateReader.Peek peek = reader().peek(SB1).orElseThrow();
        Files.delete(dir.resolve("sb1_sandbox:sb1.state"));
        Files.delete(dir.resolve("sb1_sandbox:sb1.lock"));
        assertInstanceOf(ReadOutcome.Gone.class, reader().readWaiting(SB1, Duration.ofSeconds(1), peek));
    }

    @Test
    void linkingAheadLeavesTheCallsWorking() throws Exception {
        Thread link = Thread.ofPlatform().start(StateReader::linkNative);
        StateFixtures.write(dir, StateFixtures.sample());
        // Called while the other thread may still be linking: the read waits for it, then works.
        assertInstanceOf(ReadOutcome.Loaded.class, reader().read(SB1));
        link.join(10_000);
        assertFalse(link.isAlive());
    }
}
