// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The parts of a {@code stat(2)} that tell whether a state file changed: modification time with
 * nanoseconds, size, and (where the platform has them) device and inode.
 *
 * <p>The server remembers the stat of a state file it rejected and skips the file while it stays
 * {@linkplain #sufficientlyEqual(FileStat) sufficiently equal}; the lock-less reader compares the
 * stats before and after its read.
 *
 * @param modified modification time, nanosecond precision where the file system has it
 * @param size size in bytes
 * @param unix device and inode, or {@code null} where the platform has no {@code unix} view
 */
public record FileStat(Instant modified, long size, UnixIdentity unix) {
    /** Requires a modification time and a size of zero or more. */
    public FileStat {
        Objects.requireNonNull(modified, "modified");
        if (size < 0) {
            throw new IllegalArgumentException("negative file size " + size);
        }
    }

    /**
     * A file's identity on a Unix system.
     *
     * @param device {@code st_dev}
     * @param inode {@code st_ino}
     */
    public record UnixIdentity(long device, long inode) {}

    /**
     * Stats a file, following symbolic links (as the server's {@code stat} does).
     *
     * @param file the file
     * @return its stat
     * @throws IOException if it cannot be stat'ed ({@link java.nio.file.NoSuchFileException} if missing)
     */
    public static FileStat of(Path file) throws IOException {
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(file, "unix:size,lastModifiedTime,dev,ino");
        } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
            BasicFileAttributes basic = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileStat(basic.lastModifiedTime().toInstant(), basic.size(), null);
        }
        return new FileStat(((FileTime) attributes.get("lastModifiedTime")).toInstant(),
                (Long) attributes.get("size"),
                new UnixIdentity((Long) attributes.get("dev"), (Long) attributes.get("ino")));
    }

    /**
     * Tells whether two stats describe an unchanged file (upstream's {@code sufficientlyEqualStats};
     * symmetric): modification time and size must be equal; if both sides have a device and inode
     * those must be equal too; if only one side has them, the stats differ.
     *
     * @param other the other stat
     * @return whether the file can be assumed unchanged
     */
    public boolean sufficientlyEqual(FileStat other) {
        if (!modified.equals(other.modified) || size != other.size) {
            return false;
        }
        if ((unix == null) != (other.unix == null)) {
            return false;
        }
        return unix == null || unix.equals(other.unix);
    }
}
