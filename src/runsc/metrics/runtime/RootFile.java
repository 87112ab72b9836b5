// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Opens a file of the runsc root without ever waiting: runsc only writes regular files there, but
 * anything can appear in a root (a FIFO, a socket, a symbolic link to a device), and a plain open
 * of a FIFO for reading blocks until some process opens it for writing, which may be never.
 *
 * <p>The open is non-blocking ({@code O_NONBLOCK|O_NOCTTY}, see {@link Posix#openReadOnly}), and
 * the type is checked with {@code fstat} on the opened descriptor, so the file that is read is the
 * file that was checked, whatever the path points to by then.
 */
final class RootFile {
    private RootFile() {}

    /** What opening a root file gave. */
    sealed interface Opening {}

    /**
     * A regular file, open; the caller closes {@code fd} with {@link Posix#close}.
     *
     * @param fd the descriptor
     * @param status its {@code fstat}
     */
    record Opened(int fd, FileStatus status) implements Opening {}

    /** The file does not exist (ENOENT). */
    record Missing() implements Opening {}

    /** The file may not be opened (EACCES). */
    record Denied() implements Opening {}

    /**
     * The file exists but is not a regular file, or cannot be opened or stat'ed.
     *
     * @param reason why, lower-case, without the file name, e.g. "not a regular file (it is a FIFO)"
     */
    record Refused(String reason) implements Opening {}

    /**
     * Opens a file for reading if it is a regular file (following symbolic links, as runsc does).
     *
     * @param file the file
     * @return opened, missing, denied or refused; never blocks on the file's type
     */
    static Opening open(Path file) {
        Posix.Result open = Posix.openReadOnly(file.toString());
        if (open.failed()) {
            return switch (open.errno()) {
                case Posix.ENOENT -> new Missing();
                case Posix.EACCES -> new Denied();
                // What opening a socket gives (and a device without a driver): name the type if a stat can.
                case Posix.ENXIO -> new Refused(typeOf(file).map(RootFile::notRegular)
                        .orElse("cannot open: " + Posix.describe(open.errno())));
                default -> new Refused("cannot open: " + Posix.describe(open.errno()));
            };
        }
        int fd = open.value();
        FileStatus status;
        try {
            status = Posix.fstat(fd);
        } catch (IOException e) {
            Posix.close(fd);
            return new Refused("cannot stat: " + e.getMessage());
        }
        if (!status.isRegular()) {
            Posix.close(fd);
            return new Refused(notRegular(status.mode()));
        }
        return new Opened(fd, status);
    }

    private static String notRegular(int mode) {
        return "not a regular file (it is " + FileStatus.describeType(mode) + ")";
    }

    /** The {@code st_mode} of a file that cannot be opened, if a {@code stat} (which never opens it) gives one. */
    private static Optional<Integer> typeOf(Path file) {
        try {
            return Files.getAttribute(file, "unix:mode") instanceof Integer mode && !FileStatus.isRegular(mode)
                    ? Optional.of(mode) : Optional.empty();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
