// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.time.Instant;

/**
 * What {@code fstat(2)} says about an open file: its type (from {@code st_mode}), identity, size
 * and modification time.
 *
 * @param mode {@code st_mode}: file type and permission bits
 * @param device {@code st_dev}
 * @param inode {@code st_ino}
 * @param size {@code st_size}
 * @param modified {@code st_mtim}
 */
record FileStatus(int mode, long device, long inode, long size, Instant modified) {
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;

    /** Tells whether the file is a regular file, the only kind runsc writes into its root. */
    boolean isRegular() {
        return isRegular(mode);
    }

    /** Tells whether an {@code st_mode} value is that of a regular file. */
    static boolean isRegular(int mode) {
        return (mode & S_IFMT) == S_IFREG;
    }

    /** The stat the rest of the runtime package compares. */
    FileStat toFileStat() {
        return new FileStat(modified, size, new FileStat.UnixIdentity(device, inode));
    }

    /**
     * Names the type of a file, for messages: "a FIFO", "a socket", "a character device", ...
     *
     * @param mode an {@code st_mode} value
     * @return the type with its article
     */
    static String describeType(int mode) {
        return switch (mode & S_IFMT) {
            case S_IFREG -> "a regular file";
            case 0040000 -> "a directory";
            case 0010000 -> "a FIFO";
            case 0140000 -> "a socket";
            case 0020000 -> "a character device";
            case 0060000 -> "a block device";
            case 0120000 -> "a symbolic link";
            default -> String.format("a file of unknown type (mode 0%o)", mode & S_IFMT);
        };
    }
}
