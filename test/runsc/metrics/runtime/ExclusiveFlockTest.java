// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExclusiveFlockTest {
    @TempDir
    Path dir;

    @Test
    void heldLockMakesReadersSeeLockedUntilClosed() throws IOException {
        StateFixtures.write(dir, StateFixtures.sample());
        StateReader reader = new StateReader(new RuntimeRoot(dir));
        Path lockFile = dir.resolve("sb1_sandbox:sb1.lock");
        try (ExclusiveFlock held = ExclusiveFlock.tryAcquire(lockFile).orElseThrow()) {
            assertEquals(lockFile, held.file());
            assertInstanceOf(ReadOutcome.Locked.class, reader.read(FullId.root("sb1")));
            assertEquals(Optional.empty(), ExclusiveFlock.tryAcquire(lockFile));
        }
        assertInstanceOf(ReadOutcome.Loaded.class, reader.read(FullId.root("sb1")));
        ExclusiveFlock again = ExclusiveFlock.tryAcquire(lockFile).orElseThrow();
        again.close();
        again.close();
        ExclusiveFlock third = ExclusiveFlock.tryAcquire(lockFile).orElseThrow();
        third.close();
        Optional<ExclusiveFlock> fourth = ExclusiveFlock.tryAcquire(lockFile);
        assertTrue(fourth.isPresent(), "closing twice is harmless");
        fourth.get().close();
    }

    @Test
    void missingLockFileIsNoSuchFile() {
        Path missing = dir.resolve("x.lock");
        assertEquals(missing.toString(),
                assertThrows(NoSuchFileException.class, () -> ExclusiveFlock.tryAcquire(missing)).getMessage());
    }
}
