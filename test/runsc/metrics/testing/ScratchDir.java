// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A private directory directly under {@code /tmp} with a short name, so that Unix socket paths in it
 * stay far below the 108-byte limit; removed with everything in it when closed.
 */
final class ScratchDir implements AutoCloseable {
    private final Path dir;

    private ScratchDir(Path dir) {
        this.dir = dir;
    }

    /** Makes {@code /tmp/<prefix>NNN}. */
    static ScratchDir create(String prefix) throws IOException {
        return new ScratchDir(Files.createTempDirectory(Path.of("/tmp"), prefix));
    }

    /** The directory. */
    Path path() {
        return dir;
    }

    /** A path inside the directory (not created). */
    Path resolve(String name) {
        return dir.resolve(name);
    }

    @Override
    public void close() throws IOException {
        deleteTree(dir);
    }

    /** Removes a tree without following symbolic links; a missing tree is fine. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
