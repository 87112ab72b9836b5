// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import java.io.Closeable;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The address to connect to for a control socket path. The JDK refuses a Unix socket path of
 * {@value #MAX_DIRECT_PATH_BYTES} + 1 bytes or more ("Unix domain path too long"); runsc allows any
 * length (Go connects through {@code /proc/self/fd}). For such a path a symlink {@code s} to it is
 * made in a fresh private directory (mode 0700) under the temporary directory, the connection goes
 * through the link, and {@link #close()} removes link and directory. Symlinks are followed by
 * {@code connect(2)}, so the socket's own permissions still decide.
 */
final class SocketLink implements Closeable {
    /** The longest path the JDK accepts for a Unix socket, in bytes (sun_path is 108 with its NUL). */
    static final int MAX_DIRECT_PATH_BYTES = 106;
    private static final String FALLBACK_TMP = "/tmp";

    private final UnixDomainSocketAddress address;
    private final Path dir;

    private SocketLink(UnixDomainSocketAddress address, Path dir) {
        this.address = address;
        this.dir = dir;
    }

    /**
     * Returns the address for {@code socket}, through a short symlink if the path is too long.
     *
     * @param socket the control socket path (made absolute before it is linked)
     * @return the link, to be closed after the call
     * @throws IOException if the private directory or the link cannot be made
     */
    static SocketLink to(Path socket) throws IOException {
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_DIRECT_PATH_BYTES) {
            return new SocketLink(UnixDomainSocketAddress.of(socket), null);
        }
        Path base = Path.of(System.getProperty("java.io.tmpdir", FALLBACK_TMP));
        // The link must itself be short: fall back to /tmp if the configured temp dir is deep.
        if (base.toString().length() > MAX_DIRECT_PATH_BYTES - 40) {
            base = Path.of(FALLBACK_TMP);
        }
        Path dir = Files.createTempDirectory(base, "runsc-metrics-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            Path link = Files.createSymbolicLink(dir.resolve("s"), socket.toAbsolutePath());
            return new SocketLink(UnixDomainSocketAddress.of(link), dir);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** {@return the address to connect to} */
    UnixDomainSocketAddress address() {
        return address;
    }

    /** {@return the private directory holding the link, or null when the path is used directly} */
    Path linkDirectory() {
        return dir;
    }

    /** Removes the link and its directory, if one was made. */
    @Override
    public void close() throws IOException {
        if (dir != null) {
            Files.deleteIfExists(dir.resolve("s"));
            Files.deleteIfExists(dir);
        }
    }
}
