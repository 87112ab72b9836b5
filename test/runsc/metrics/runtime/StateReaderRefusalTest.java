// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import runsc.metrics.testing.SpecialFile;

/**
 * What the reader refuses, and how: files that are not regular files, which it must never wait on
 * (a plain open of a FIFO blocks until a writer comes), state files that hold another container's
 * state, and state files that are not JSON, whose contents a message must not show.
 */
class StateReaderRefusalTest {
    /** Far more than a refusal takes, far less than a hang. */
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final FullId X = FullId.root("x");

    @TempDir
    Path dir;
    @TempDir
    Path scratch;

    @AfterEach
    void releaseStuckReaders() throws IOException {
        SpecialFile.cleanUp(dir, scratch);
    }

    private StateReader reader() {
        return new StateReader(new RuntimeRoot(dir));
    }

    private static String failure(ReadOutcome outcome) {
        return assertInstanceOf(ReadOutcome.Failed.class, outcome).error().getMessage();
    }

    @ParameterizedTest
    @EnumSource(SpecialFile.class)
    void aStateFileThatIsNotARegularFileIsRefusedAtOnce(SpecialFile kind) throws Exception {
        Files.createFile(dir.resolve("x_sandbox:x.lock"));
        Path state = kind.create(dir.resolve("x_sandbox:x.state"), scratch);
        String expected = "state file " + state + ": not a regular file (it is " + kind.type() + ")";
        assertEquals(expected, failure(assertTimeoutPreemptively(BOUND, () -> reader().read(X))));
        assertEquals(expected, failure(assertTimeoutPreemptively(BOUND,
                () -> reader().readWaiting(X, Duration.ofSeconds(1)))));
        assertEquals(expected, failure(assertTimeoutPreemptively(BOUND,
                () -> StateReader.readUnlocked(state, FileStat::of))));
        assertTrue(assertTimeoutPreemptively(BOUND, () -> reader().peek(X)).isEmpty(), "peek");
    }

    @ParameterizedTest
    @EnumSource(SpecialFile.class)
    void aLockFileThatIsNotARegularFileIsRefusedAtOnce(SpecialFile kind) throws Exception {
        StateFixtures.writeRaw(dir, X, Files.readString(StateFixtures.SAMPLE).replace("sb1", "x"));
        Files.delete(dir.resolve("x_sandbox:x.lock"));
        Path lock = kind.create(dir.resolve("x_sandbox:x.lock"), scratch);
        assertEquals("lock file " + lock + ": not a regular file (it is " + kind.type() + ")",
                failure(assertTimeoutPreemptively(BOUND, () -> reader().read(X))));
    }

    @Test
    void aStateFileThatIsADirectoryIsRefusedByType() throws IOException {
        Files.createFile(dir.resolve("x_sandbox:x.lock"));
        Path state = Files.createDirectory(dir.resolve("x_sandbox:x.state"));
        assertEquals("state file " + state + ": not a regular file (it is a directory)", failure(reader().read(X)));
        assertTrue(reader().peek(X).isEmpty());
    }

    @Test
    void devZeroIsRefusedWithoutReadingIt() throws IOException {
        Files.createFile(dir.resolve("x_sandbox:x.lock"));
        Path state = Files.createSymbolicLink(dir.resolve("x_sandbox:x.state"), Path.of("/dev/zero"));
        assertEquals("state file " + state + ": not a regular file (it is a character device)",
                failure(assertTimeoutPreemptively(BOUND, () -> reader().read(X))));
        assertTrue(reader().peek(X).isEmpty());
    }

    @Test
    void aFileThatIsNotJsonIsNamedByPositionNotByItsContents() throws IOException {
        // What a state file symlinked to /etc/shadow would hold.
        Path state = StateFixtures.writeRaw(dir, X, "root:*:20000:0:99999:7:::\ndaemon:*:20000:0:99999:7:::\n");
        IOException error = assertInstanceOf(ReadOutcome.Failed.class, reader().read(X)).error();
        String message = error.getMessage();
        assertEquals("state file " + state + ": not valid JSON at line 1, column 1 (path $)", message);
        assertFalse(message.contains("root") || message.contains("99999"), message);
        for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
            assertFalse(String.valueOf(cause.getMessage()).contains("root"), "a cause quotes the file: " + cause);
        }
        String truncated = failure(reader().read(writeTruncated()));
        assertTrue(truncated.startsWith("state file " + dir.resolve("sb1_sandbox:sb1.state") + ": not valid JSON at line "),
                truncated);
        assertFalse(truncated.contains("near"), truncated);
    }

    private FullId writeTruncated() throws IOException {
        byte[] whole = Files.readAllBytes(StateFixtures.SAMPLE);
        StateFixtures.writeRaw(dir, FullId.root("sb1"), java.util.Arrays.copyOf(whole, 4000));
        return FullId.root("sb1");
    }

    @Test
    void aStateFileOfAnotherSandboxIsRefusedNamingBoth() throws IOException {
        Path real = StateFixtures.write(dir, StateFixtures.sample());
        Files.createFile(dir.resolve("ev_sandbox:ev.lock"));
        Path impostor = Files.createSymbolicLink(dir.resolve("ev_sandbox:ev.state"), real.getFileName());
        FullId ev = FullId.root("ev");
        String expected = "state file " + impostor + ": holds the state of container \"sb1\" of sandbox \"sb1\", "
                + "not of container \"ev\" of sandbox \"ev\" that its name gives";
        assertEquals(expected, failure(reader().read(ev)));
        assertEquals(expected, failure(StateReader.readUnlocked(impostor, FileStat::of)));
        assertTrue(reader().peek(ev).isEmpty(), "a peek does not take another sandbox's state either");
        assertInstanceOf(ReadOutcome.Loaded.class, reader().read(FullId.root("sb1")), "the real one still loads");
    }

    @Test
    void aSubcontainerStateFileMustNameItsOwnSandbox() throws IOException {
        // Container c1 of sandbox sb1, copied under sandbox sb2's name.
        FullId elsewhere = new FullId("sb2", "c1");
        StateFixtures.writeRaw(dir, elsewhere, runsc.metrics.json.Json.writeBytes(StateFixtures.container("sb1", "c1", "container")));
        assertEquals("state file " + dir.resolve("c1_sandbox:sb2.state") + ": holds the state of container \"c1\" of "
                + "sandbox \"sb1\", not of container \"c1\" of sandbox \"sb2\" that its name gives",
                failure(reader().read(elsewhere)));
    }
}
