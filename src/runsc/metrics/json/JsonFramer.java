// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import java.util.Arrays;

/**
 * Finds the end of one top-level JSON value in a byte stream, as soon as it closes.
 *
 * <p>urpc frames nothing: a message is exactly one JSON value and the peer keeps the connection open
 * for the next request, so a reader that waited for end of file would wait forever. The framer is fed
 * bytes as they arrive and tracks only what decides where a value ends (string literals, escapes and
 * bracket depth); once the value is complete, {@link #take()} parses it strictly with {@link Json}.
 * An object, array or string ends at its closing byte; a top-level number or literal ends at the first
 * byte that cannot continue it, which, as in Go, means it needs one more byte to be seen.
 *
 * <p>Size and depth are bounded while framing, before any parse, so a hostile peer cannot make it
 * buffer more than {@link JsonLimits#maxBytes()}. Not thread-safe.
 */
public final class JsonFramer {
    private enum State { BEFORE, CONTAINER, STRING, ESCAPE, SCALAR, DONE }

    private final JsonLimits limits;
    private byte[] buf = new byte[1024];
    private int size;
    private State state = State.BEFORE;
    private int depth;
    private boolean topLevelString;

    /**
     * Creates a framer.
     *
     * @param limits the size and depth caps (the duplicate-key policy applies in {@link #take()})
     */
    public JsonFramer(JsonLimits limits) {
        this.limits = limits;
    }

    /**
     * Feeds bytes. Leading whitespace is skipped; bytes after the end of the value are not consumed.
     *
     * @param bytes  the source
     * @param offset first byte to feed
     * @param length number of bytes available
     * @return how many bytes were consumed: fewer than {@code length} only when the value completed
     * @throws JsonException if the value is larger or deeper than the limits, or this framer already
     *                       holds a complete value that was not taken
     */
    public int feed(byte[] bytes, int offset, int length) throws JsonException {
        if (state == State.DONE) {
            throw new IllegalStateException("a complete value is waiting to be taken");
        }
        int i = offset;
        int stop = offset + length;
        while (i < stop && state != State.DONE) {
            byte b = bytes[i];
            switch (state) {
                case BEFORE -> {
                    if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                        i++;
                        continue;
                    }
                    if (b == '{' || b == '[') {
                        state = State.CONTAINER;
                        open();
                    } else if (b == '"') {
                        state = State.STRING;
                        topLevelString = true;
                    } else {
                        state = State.SCALAR;
                    }
                }
                case CONTAINER -> {
                    if (b == '{' || b == '[') {
                        open();
                    } else if (b == '}' || b == ']') {
                        if (--depth == 0) {
                            state = State.DONE;
                        }
                    } else if (b == '"') {
                        state = State.STRING;
                    }
                }
                case STRING -> {
                    if (b == '\\') {
                        state = State.ESCAPE;
                    } else if (b == '"') {
                        state = topLevelString ? State.DONE : State.CONTAINER;
                    }
                }
                case ESCAPE -> state = State.STRING;
                case SCALAR -> {
                    if (!continuesScalar(b)) {
                        state = State.DONE;
                        continue; // the delimiter belongs to whatever follows
                    }
                }
                case DONE -> throw new AssertionError("loop ends on DONE");
            }
            append(b);
            i++;
        }
        return i - offset;
    }

    /** True once a whole value has been seen; {@link #take()} then returns it. */
    public boolean complete() {
        return state == State.DONE;
    }

    /** Number of bytes of the current value buffered so far. */
    public int buffered() {
        return size;
    }

    /**
     * Ends the input: a top-level number or literal is complete at end of stream. Anything else that
     * is unfinished stays incomplete.
     */
    public void endOfInput() {
        if (state == State.SCALAR) {
            state = State.DONE;
        }
    }

    /**
     * Parses the complete value and resets the framer for the next one.
     *
     * @return the value
     * @throws JsonException if the framed bytes are not valid JSON
     * @throws IllegalStateException if no complete value is buffered
     */
    public JsonValue take() throws JsonException {
        if (state != State.DONE) {
            throw new IllegalStateException("no complete value: " + size + " bytes buffered");
        }
        try {
            return Json.parse(buf, 0, size, limits);
        } finally {
            reset();
        }
    }

    /** Forgets any partial value. */
    public void reset() {
        size = 0;
        depth = 0;
        state = State.BEFORE;
        topLevelString = false;
        if (buf.length > 64 << 10) {
            buf = new byte[1024]; // do not keep a huge buffer alive after one big reply
        }
    }

    private void open() throws JsonException {
        if (++depth > limits.maxDepth()) {
            throw failure("nesting is deeper than the limit of " + limits.maxDepth() + " levels");
        }
    }

    private void append(byte b) throws JsonException {
        if (size == buf.length) {
            if (size >= limits.maxBytes()) {
                throw failure("value is larger than the limit of " + limits.maxBytes() + " bytes");
            }
            buf = Arrays.copyOf(buf, (int) Math.min((long) size * 2, limits.maxBytes()));
        }
        buf[size++] = b;
    }

    private static boolean continuesScalar(byte b) {
        return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '-' || b == '+' || b == '.';
    }

    private JsonException failure(String problem) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < size; i++) {
            if (buf[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int column = 1;
        for (int i = lineStart; i < size; i++) {
            if ((buf[i] & 0xc0) != 0x80) {
                column++;
            }
        }
        return new JsonException(problem, line, column, "$", null);
    }
}
