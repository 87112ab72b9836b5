// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.io.IOException;
import java.nio.file.Path;

/** A state file that cannot be used: empty, too large, not JSON, or of the wrong shape. */
public final class StateFileException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The offending file. */
    private final transient Path file;

    /**
     * Creates the exception; the message is {@code state file <file>: <problem>}.
     *
     * @param file the state file
     * @param problem what is wrong, lower-case
     * @param cause the underlying error, or {@code null}
     */
    public StateFileException(Path file, String problem, Throwable cause) {
        super("state file " + file + ": " + problem, cause);
        this.file = file;
    }

    /**
     * Returns the state file.
     *
     * @return the path as read
     */
    public Path file() {
        return file;
    }
}
