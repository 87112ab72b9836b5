// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;

/**
 * What tells that a file changed without reading it: its modification time, size and identity
 * (device and inode, so that a file replaced by a rename counts as changed even with the same time
 * and size). A file that cannot be looked at has a stamp of its own error text.
 *
 * @param modified the modification time, or null
 * @param size     the size, or -1
 * @param key      the file key (device and inode), or null
 * @param error    why the file could not be looked at, or null
 */
record FileStamp(FileTime modified, long size, Object key, String error) {

    /** The stamp of one file now. */
    static FileStamp of(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileStamp(a.lastModifiedTime(), a.size(), a.fileKey(), null);
        } catch (IOException e) {
            return new FileStamp(null, -1, null, e.toString());
        }
    }

    /** The stamps of several files now, in order. */
    static List<FileStamp> of(List<Path> files) {
        return files.stream().map(FileStamp::of).toList();
    }
}
