// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Malformed or over-limit JSON. It is an {@link IOException} because bad bytes from a file or a
 * socket are an input outcome the caller must handle, not a programming error.
 *
 * <p>The message has one shape, built in one place:
 * {@code unterminated string at line 3, column 17 (path $.sandboxes[2].id): near "\"abc\\u00"}.
 * Line and column count from 1; the column counts Unicode characters (code points), not bytes.
 * The snippet shows up to {@value #SNIPPET_CHARS} characters of input from the position, with quotes,
 * backslashes and control characters escaped; it is left out when the position is the end of input.
 */
public final class JsonException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Most characters of input quoted after "near". */
    static final int SNIPPET_CHARS = 12;

    private final String problem;
    private final int line;
    private final int column;
    private final String path;

    private JsonException(String problem, int line, int column, String path, String near) {
        super(problem + " at line " + line + ", column " + column + " (path " + path + ")"
                + (near == null ? "" : ": near \"" + near + "\""));
        this.problem = problem;
        this.line = line;
        this.column = column;
        this.path = path;
    }

    /**
     * Makes the exception for a problem at byte {@code at} of a document that starts at byte
     * {@code start} of {@code text}; the snippet is taken from the same bytes, up to {@code end}.
     */
    static JsonException at(String problem, byte[] text, int start, int at, int end, String path) {
        return at(problem, text, start, at, path, snippet(text, at, end));
    }

    /** As above, with a snippet taken from elsewhere (the framer has not buffered the bad byte yet). */
    static JsonException at(String problem, byte[] text, int start, int at, String path, String near) {
        int line = 1;
        int lineStart = start;
        for (int i = start; i < at; i++) {
            if (text[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int column = 1;
        for (int i = lineStart; i < at; i++) {
            if ((text[i] & 0xc0) != 0x80) { // count lead bytes: one per character
                column++;
            }
        }
        return new JsonException(problem, line, column, path, near);
    }

    /**
     * Quotes up to {@value #SNIPPET_CHARS} characters from byte {@code at}, or returns null at the end
     * of input. Bytes that are not valid UTF-8 show as {@code \ufffd}.
     */
    static String snippet(byte[] text, int at, int end) {
        if (at >= end) {
            return null;
        }
        int stop = at;
        for (int chars = 0; stop < end; stop++) {
            if ((text[stop] & 0xc0) != 0x80 && chars++ == SNIPPET_CHARS) {
                break;
            }
        }
        String raw = new String(text, at, stop - at, StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(raw.length() + 8);
        raw.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                sb.append('\\').append((char) c);
            } else if (invisible(c)) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }

    /**
     * True for characters a message should not show as themselves: controls, line breaks, format
     * characters such as a byte order mark, and U+FFFD, which stands for bytes that are not UTF-8.
     */
    static boolean invisible(int c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || c == 0xfffd;
    }

    /** The rule that was broken, without the position (for example "unterminated string"). */
    public String problem() {
        return problem;
    }

    /** Line of the offending input, from 1. */
    public int line() {
        return line;
    }

    /** Column of the offending input in characters (code points), from 1. */
    public int column() {
        return column;
    }

    /** JSON path of the value being read, such as {@code $.sandbox.pid} or {@code $[2]}. */
    public String path() {
        return path;
    }
}
