// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStatTest {
    private static final Instant T = Instant.parse("2026-11-25T03:34:49.899887494Z");
    private static final FileStat.UnixIdentity ID = new FileStat.UnixIdentity(2049, 77);

    private static void assertEqualStats(boolean expected, FileStat a, FileStat b) {
        assertEquals(expected, a.sufficientlyEqual(b), a + " vs " + b);
        assertEquals(expected, b.sufficientlyEqual(a), "symmetric: " + b + " vs " + a);
    }

    @Test
    void bothEmptyAreEqual() {
        assertEqualStats(true, new FileStat(Instant.EPOCH, 0, null), new FileStat(Instant.EPOCH, 0, null));
    }

    @Test
    void differentMtimeOrSizeDiffer() {
        assertEqualStats(false, new FileStat(T, 10, ID), new FileStat(T.plusNanos(1), 10, ID));
        assertEqualStats(false, new FileStat(T, 10, ID), new FileStat(T, 11, ID));
    }

    @Test
    void sameMtimeAndSizeWithoutUnixIdentityAreEqual() {
        assertEqualStats(true, new FileStat(T, 10, null), new FileStat(T, 10, null));
    }

    @Test
    void unixIdentityOnOneSideOnlyDiffers() {
        assertEqualStats(false, new FileStat(T, 10, ID), new FileStat(T, 10, null));
    }

    @Test
    void equalDeviceAndInodeAreEqual() {
        assertEqualStats(true, new FileStat(T, 10, ID), new FileStat(T, 10, new FileStat.UnixIdentity(2049, 77)));
    }

    @Test
    void differentDeviceOrInodeDiffer() {
        assertEqualStats(false, new FileStat(T, 10, ID), new FileStat(T, 10, new FileStat.UnixIdentity(2050, 77)));
        assertEqualStats(false, new FileStat(T, 10, ID), new FileStat(T, 10, new FileStat.UnixIdentity(2049, 78)));
    }

    @Test
    void readsNanosecondMtimeSizeAndInode(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "abc");
        Files.setLastModifiedTime(file, FileTime.from(T));
        FileStat stat = FileStat.of(file);
        assertEquals(3, stat.size());
        assertNotNull(stat.unix());
        assertEquals(Files.getAttribute(file, "unix:ino"), stat.unix().inode());
        assertTrue(stat.sufficientlyEqual(FileStat.of(file)));
        // Whether nanoseconds survive depends on the file system; microseconds always do here.
        assertEquals(T.getEpochSecond(), stat.modified().getEpochSecond());
        assertEquals(899887, stat.modified().getNano() / 1000);
    }

    @Test
    void rewriteInPlaceChangesTheStat(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "abc");
        Files.setLastModifiedTime(file, FileTime.from(T));
        FileStat before = FileStat.of(file);
        Files.writeString(file, "abcd");
        Files.setLastModifiedTime(file, FileTime.from(T));
        assertFalse(before.sufficientlyEqual(FileStat.of(file)));
    }

    @Test
    void missingFileIsNoSuchFile(@TempDir Path dir) {
        assertThrows(NoSuchFileException.class, () -> FileStat.of(dir.resolve("none")));
    }

    @Test
    void rejectsNegativeSize() {
        assertThrows(IllegalArgumentException.class, () -> new FileStat(T, -1, null));
    }
}
