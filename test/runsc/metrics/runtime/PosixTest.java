// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PosixTest {
    @TempDir
    Path dir;

    @Test
    void openOfAMissingFileFailsWithEnoentAndCreatesNothing() {
        Path missing = dir.resolve("x.lock");
        Posix.Result r = Posix.openReadOnly(missing.toString());
        assertTrue(r.failed());
        assertEquals(Posix.ENOENT, r.errno());
        assertFalse(Files.exists(missing));
    }

    @Test
    void secondDescriptorCannotTakeAHeldFlockButCanOnceReleased() throws IOException {
        Path lock = Files.createFile(dir.resolve("x.lock"));
        int a = Posix.openReadOnly(lock.toString()).value();
        int b = Posix.openReadOnly(lock.toString()).value();
        try {
            assertFalse(Posix.tryLockExclusive(a).failed());
            // flock locks belong to the open file description, so a second open conflicts even here.
            Posix.Result blocked = Posix.tryLockExclusive(b);
            assertTrue(blocked.failed());
            assertEquals(Posix.EWOULDBLOCK, blocked.errno());
            assertFalse(Posix.unlock(a).failed());
            assertFalse(Posix.tryLockExclusive(b).failed());
            assertFalse(Posix.unlock(b).failed());
        } finally {
            assertFalse(Posix.close(a).failed());
            assertFalse(Posix.close(b).failed());
        }
    }

    @Test
    void closingABadDescriptorReportsEbadf() {
        Posix.Result r = Posix.close(-1);
        assertTrue(r.failed());
        assertEquals(9, r.errno());
        assertEquals("bad file descriptor (EBADF)", Posix.describe(9));
    }

    @Test
    void killOfAMissingProcessReportsEsrch() throws Exception {
        Process child = new ProcessBuilder("true").start();
        child.waitFor();
        Posix.Result r = Posix.kill((int) child.pid(), 0);
        assertTrue(r.failed());
        assertEquals(3, r.errno());
    }
}
