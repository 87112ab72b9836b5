// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * A private directory directly under {@code /tmp} with a short name, so that Unix socket paths in it
 * stay far below the 108-byte limit; removed with everything in it when closed. Also the factory for
 * {@code @TempDir(factory = ScratchDir.Factory.class)}, and the tests' one {@link #deleteTree}.
 */
public final class ScratchDir implements AutoCloseable {
    private final Path dir;

    private ScratchDir(Path dir) {
        this.dir = dir;
    }

    /** Makes {@code /tmp/<prefix>NNN}. */
    public static ScratchDir create(String prefix) throws IOException {
        return new ScratchDir(Files.createTempDirectory(Path.of("/tmp"), prefix));
    }

    /** The directory. */
    public Path path() {
        return dir;
    }

    /** A path inside the directory (not created). */
    public Path resolve(String name) {
        return dir.resolve(name);
    }

    @Override
    public void close() throws IOException {
        deleteTree(dir);
    }

    /** Removes a tree without following symbolic links; a missing tree (or null, from a failed set-up) is fine. */
    public static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
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

    /** Short {@code @TempDir} directories under {@code /tmp} (JUnit removes them afterwards). */
    public static final class Factory implements TempDirFactory {
        /** Called by JUnit. */
        public Factory() {
        }

        @Override
        public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension) throws IOException {
            return ScratchDir.create("td").path();
        }
    }
}
