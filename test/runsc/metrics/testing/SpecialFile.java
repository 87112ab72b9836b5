// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * Files that are not regular files, put where a runsc root expects a state or lock file: the
 * things a reader must refuse rather than open and wait on.
 *
 * <pre>{@code
 * Path state = SpecialFile.FIFO.create(root.resolve("x_sandbox:x.state"), scratch);
 * ...
 * SpecialFile.cleanUp(scratch, root);  // in a finally block or @AfterEach
 * }</pre>
 */
public enum SpecialFile {
    /** A named pipe: opening it for reading blocks until a writer opens it. */
    FIFO("a FIFO"),
    /** A symbolic link to a named pipe elsewhere. */
    SYMLINK_TO_FIFO("a FIFO"),
    /** A Unix socket file (left behind by a closed listener): opening it fails with ENXIO. */
    SOCKET("a socket"),
    /** A symbolic link to {@code /dev/null}, a character device. */
    CHARACTER_DEVICE("a character device");

    private final String type;

    SpecialFile(String type) {
        this.type = type;
    }

    /** The file type as a refusal names it, such as "a FIFO". */
    public String type() {
        return type;
    }

    /**
     * Creates this kind of file at {@code at}.
     *
     * @param at where the file goes
     * @param scratch a directory for the target of a symbolic link
     * @return {@code at}
     */
    public Path create(Path at, Path scratch) throws IOException, InterruptedException {
        switch (this) {
            case FIFO -> mkfifo(at);
            case SYMLINK_TO_FIFO -> Files.createSymbolicLink(at, mkfifo(Files.createTempDirectory(scratch, "fifo")
                    .resolve("target.fifo")));
            case SOCKET -> {
                // Closing the listener leaves the socket file in place.
                try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                    s.bind(UnixDomainSocketAddress.of(at));
                }
            }
            case CHARACTER_DEVICE -> Files.createSymbolicLink(at, Path.of("/dev/null"));
        }
        return at;
    }

    private static Path mkfifo(Path at) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", at.toString()).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("mkfifo " + at + " failed: " + new String(p.getInputStream().readAllBytes()));
        }
        return at;
    }

    /**
     * Opens every FIFO under the given directories for reading and writing, which never blocks on
     * Linux and lets a reader stuck in {@code open} go on (a test that fails because a read hung
     * does not leave that thread blocked for the rest of the run), and deletes the symbolic links
     * (JUnit's temporary directories warn about links that point outside them).
     */
    public static void cleanUp(Path... dirs) throws IOException {
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (var files = Files.walk(dir)) {
                for (Path p : files.toList()) {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.isOther() && isFifo(p)) {
                        try (RandomAccessFile _ = new RandomAccessFile(p.toFile(), "rw")) {
                            // Opened: every reader waiting in open() has its writer now.
                        }
                    } else if (a.isSymbolicLink()) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    private static boolean isFifo(Path p) throws IOException {
        return ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000) == 0010000;
    }
}
