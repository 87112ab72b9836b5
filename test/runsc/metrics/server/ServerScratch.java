// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import runsc.metrics.testing.Cleanup;
import runsc.metrics.testing.ScratchDir;

/**
 * The scratch space of one server test: a directory short enough for socket paths, made with the
 * test instance (JUnit makes one per test), a {@code root} directory in it, the path {@code m.sock}
 * for the server's socket, and whatever the test started there (simulations, servers), closed
 * last started first after the test, before the directory is removed. Register it with
 * {@code @RegisterExtension} on an instance field, so that other fields can take its paths.
 */
final class ServerScratch implements AfterEachCallback {
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Path dir;
    private final Path root;

    ServerScratch() {
        try {
            dir = ServerTestSupport.shortDir();
            root = Files.createDirectories(dir.resolve("root"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a scratch directory", e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            Cleanup.closeAll(started.reversed().toArray(AutoCloseable[]::new));
        } finally {
            started.clear();
            ScratchDir.deleteTree(dir);
        }
    }

    /** The scratch directory. */
    Path dir() {
        return dir;
    }

    /** The root directory in it, created empty. */
    Path root() {
        return root;
    }

    /** Where the server's socket goes; nothing is there until a server binds it. */
    Path socket() {
        return dir.resolve("m.sock");
    }

    /** Closes {@code resource} after the test, before anything started earlier; returns it. */
    <T extends AutoCloseable> T closeAfter(T resource) {
        started.add(resource);
        return resource;
    }
}
