// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import java.io.IOException;

/**
 * Malformed or over-limit JSON. It is an {@link IOException} because bad bytes from a file or a
 * socket are an input outcome the caller must handle, not a programming error.
 *
 * <p>The message has one shape, built in one place:
 * {@code unterminated string at line 3, column 17 (path $.sandboxes[2].id): near "abc\\u00"}.
 * Line and column count from 1; the column counts characters, not bytes.
 */
public final class JsonException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String problem;
    private final int line;
    private final int column;
    private final String path;

    JsonException(String problem, int line, int column, String path, String near) {
        super(problem + " at line " + line + ", column " + column + " (path " + path + ")"
                + (near == null ? "" : ": near \"" + near + "\""));
        this.problem = problem;
        this.line = line;
        this.column = column;
        this.path = path;
    }

    /** The rule that was broken, without the position (for example "unterminated string"). */
    public String problem() {
        return problem;
    }

    /** Line of the offending input, from 1. */
    public int line() {
        return line;
    }

    /** Column of the offending input in characters, from 1. */
    public int column() {
        return column;
    }

    /** JSON path of the value being read, such as {@code $.sandbox.pid} or {@code $[2]}. */
    public String path() {
        return path;
    }
}
