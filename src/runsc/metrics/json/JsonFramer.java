// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import java.util.Arrays;
import java.util.Objects;

/**
 * Finds the end of one top-level JSON value in a byte stream, as soon as it closes.
 *
 * <p>urpc frames nothing: a message is exactly one JSON value and the peer keeps the connection open
 * for the next request, so a reader that waited for end of file would wait forever. The framer is fed
 * bytes as they arrive and tracks only what decides where a value ends (string literals, escapes and
 * bracket depth); once the value is complete, {@link #take()} parses it strictly with {@link Json}.
 * An object, array or string ends at its closing byte; a top-level number or literal ends at the first
 * byte that cannot continue it, which, as in Go, means it needs one more byte (or {@link #endOfInput()}).
 * A first byte that cannot start a value completes the "value" at once, so that {@link #take()} reports
 * the error without waiting for more input.
 *
 * <p>Size and depth are bounded while framing, before any parse, so a hostile peer cannot make it
 * buffer more than {@link JsonLimits#maxBytes()}; leading whitespace counts towards that limit, so an
 * endless stream of blanks is cut off too. Positions in errors count from the first byte fed after the
 * previous value. Not thread-safe.
 *
 * <p>With a size limit of at least {@link ScratchBuffers#MAX_KEPT} bytes, the buffer comes from
 * {@link ScratchBuffers} when a value starts and goes back to it when the value has been parsed
 * ({@link #take()}) or dropped ({@link #reset()}): a framer between values holds no buffer, and the
 * parsed values never refer to it. A framer left in the middle of a value just leaves its buffer to
 * the collector.
 */
public final class JsonFramer {
    private enum State { BEFORE, CONTAINER, STRING, ESCAPE, SCALAR, DONE }

    private static final int INITIAL_BUFFER = 1024;
    private static final int KEPT_BUFFER = 64 << 10;
    /** The buffer of a pooling framer between values: none. */
    private static final byte[] NONE = new byte[0];

    private final JsonLimits limits;
    // Whether buf comes from ScratchBuffers: only when the size limit is not below the largest one it keeps, so
    // that the limit is still reached exactly where the buffer is full (see makeRoom).
    private final boolean pooled;
    private byte[] buf;
    private int size;
    private State state = State.BEFORE;
    private int depth;
    private int values;
    // Where each open container is, for the path in messages: objects remember where the token of
    // the current member name starts and ends in buf (-1 until it is read), arrays the element index.
    private boolean[] isObject = new boolean[16];
    private int[] position = new int[16];
    private int[] keyEnd = new int[16];

    /**
     * Creates a framer.
     *
     * @param limits the size and depth caps (the duplicate-key policy applies in {@link #take()})
     */
    public JsonFramer(JsonLimits limits) {
        this.limits = limits;
        this.pooled = limits.maxBytes() >= ScratchBuffers.MAX_KEPT;
        this.buf = pooled ? NONE : new byte[Math.min(INITIAL_BUFFER, limits.maxBytes())];
    }

    /**
     * Feeds bytes. Bytes after the end of the value are not consumed: feed them again after
     * {@link #take()} to frame the next value.
     *
     * @param bytes  the source
     * @param offset first byte to feed
     * @param length number of bytes available
     * @return how many bytes were consumed: fewer than {@code length} only when the value completed
     * @throws JsonException if the value is larger or deeper than the limits; the framer is then reset,
     *                       but the stream is no longer aligned on a value and should be dropped
     * @throws IllegalStateException if a complete value is waiting to be taken
     */
    public int feed(byte[] bytes, int offset, int length) throws JsonException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (state == State.DONE) {
            throw new IllegalStateException("a complete value is waiting to be taken");
        }
        if (buf == NONE && length > 0) {
            buf = ScratchBuffers.take();
        }
        int i = offset;
        int stop = offset + length;
        try {
            while (i < stop && state != State.DONE) {
                if (state == State.STRING) {
                    i = copyStringRun(bytes, i, stop);
                    if (i == stop) {
                        break;
                    }
                }
                byte b = bytes[i];
                if (state == State.SCALAR && !continuesScalar(b)) {
                    state = State.DONE; // the delimiter belongs to whatever follows
                    break;
                }
                makeRoom(bytes, i, stop); // before b changes any state, so that the path is where b is
                switch (state) {
                    case BEFORE -> {
                        if (b == '{' || b == '[') {
                            values = 2; // the container, and its first element if any (see values())
                        } else if (!JsonWhitespace.is(b)) {
                            values = 1;
                        }
                        if (b == '{' || b == '[') {
                            state = State.CONTAINER;
                            open(b, bytes, i, stop);
                        } else if (b == '"') {
                            state = State.STRING;
                        } else if (b == '-' || b >= '0' && b <= '9' || b == 't' || b == 'f' || b == 'n') {
                            state = State.SCALAR;
                        } else if (!JsonWhitespace.is(b)) {
                            state = State.DONE; // not a value: let take() say so now
                        }
                    }
                    case CONTAINER -> container(b, bytes, i, stop);
                    case STRING -> {
                        if (b == '\\') {
                            state = State.ESCAPE;
                        } else if (b == '"') {
                            state = depth == 0 ? State.DONE : State.CONTAINER;
                            if (depth > 0 && isObject[depth] && keyEnd[depth] < 0) {
                                keyEnd[depth] = size + 1;
                            }
                        }
                    }
                    case ESCAPE -> state = State.STRING;
                    case SCALAR -> { } // continues, checked above
                    case DONE -> throw new AssertionError("the loop ends on DONE");
                }
                buf[size++] = b;
                i++;
            }
        } catch (JsonException e) {
            reset();
            throw e;
        }
        return i - offset;
    }

    /** True once a whole value has been seen; {@link #take()} then returns it. */
    public boolean complete() {
        return state == State.DONE;
    }

    /** Number of bytes buffered for the current value, leading whitespace included. */
    public int buffered() {
        return size;
    }

    /**
     * An upper bound on the number of JSON values buffered for the current value (objects, arrays,
     * member names, strings, numbers and literals, the value itself included), counted while framing
     * so that a caller can tell what parsing the bytes will cost before it parses them: every value
     * inside a container is either its first element or follows a {@code ,} or {@code :}, so each of
     * those bytes and each opening bracket counts one (an empty container counts one too many).
     */
    public int values() {
        return values;
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

    /**
     * Offers the complete value's bytes to a decoder of one expected shape, which reads them without
     * building a tree; when it declines (returns null), the value stays buffered for {@link #take()}.
     *
     * @param <T>     what the decoder makes
     * @param decoder reads the bytes of the value (leading whitespace included); must not keep them
     * @return what the decoder made, the framer then reset for the next value; or null
     * @throws IllegalStateException if no complete value is buffered
     */
    public <T> T takeIf(BytesDecoder<T> decoder) {
        if (state != State.DONE) {
            throw new IllegalStateException("no complete value: " + size + " bytes buffered");
        }
        T t = decoder.decode(buf, 0, size);
        if (t != null) {
            reset();
        }
        return t;
    }

    /** Reads a complete value's bytes into something, or declines. */
    @FunctionalInterface
    public interface BytesDecoder<T> {
        /**
         * Reads {@code bytes[offset, offset + length)}.
         *
         * @param bytes  the framer's buffer
         * @param offset where the value's bytes start
         * @param length how many there are
         * @return the result, or null to leave the value to {@link JsonFramer#take()}
         */
        T decode(byte[] bytes, int offset, int length);
    }

    /** Forgets any partial value. */
    public void reset() {
        size = 0;
        depth = 0;
        values = 0;
        state = State.BEFORE;
        if (pooled) {
            if (buf != NONE) {
                ScratchBuffers.give(buf);
                buf = NONE;
            }
        } else if (buf.length > KEPT_BUFFER) {
            buf = new byte[Math.min(INITIAL_BUFFER, limits.maxBytes())]; // do not keep a huge reply's buffer alive
        }
    }

    /**
     * Copies the bytes of a string literal up to its next quote or backslash in one go and returns
     * where it stopped; most of a reply's bytes are inside strings (names, help texts). A run that
     * would pass the size limit is left to the byte-by-byte path, which reports it at its position.
     */
    private int copyStringRun(byte[] bytes, int i, int stop) {
        int j = i;
        while (j < stop && bytes[j] != '"' && bytes[j] != '\\') {
            j++;
        }
        int run = j - i;
        if ((long) size + run > limits.maxBytes()) {
            return i;
        }
        if (size + run > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min(Math.max((long) buf.length * 2, size + run), limits.maxBytes()));
        }
        System.arraycopy(bytes, i, buf, size, run);
        size += run;
        return j;
    }

    private void container(byte b, byte[] bytes, int i, int stop) throws JsonException {
        switch (b) {
            case '{', '[' -> {
                values++;
                open(b, bytes, i, stop);
            }
            case ':' -> values++;
            case '}', ']' -> {
                if (--depth == 0) {
                    state = State.DONE;
                }
            }
            case '"' -> {
                state = State.STRING;
                if (isObject[depth] && position[depth] < 0) {
                    position[depth] = size; // a member name
                }
            }
            case ',' -> {
                values++;
                if (isObject[depth]) {
                    position[depth] = -1;
                    keyEnd[depth] = -1;
                } else {
                    position[depth]++;
                }
            }
            default -> { }
        }
    }

    private void open(byte b, byte[] bytes, int i, int stop) throws JsonException {
        if (depth + 1 > limits.maxDepth()) {
            throw failure("nesting is deeper than the limit of " + limits.maxDepth() + " levels", bytes, i, stop);
        }
        depth++;
        if (depth == isObject.length) {
            isObject = Arrays.copyOf(isObject, depth * 2);
            position = Arrays.copyOf(position, depth * 2);
            keyEnd = Arrays.copyOf(keyEnd, depth * 2);
        }
        isObject[depth] = b == '{';
        position[depth] = b == '{' ? -1 : 0;
        keyEnd[depth] = -1;
    }

    private void makeRoom(byte[] bytes, int i, int stop) throws JsonException {
        if (size == buf.length) {
            if (size >= limits.maxBytes()) {
                throw failure("value is larger than the limit of " + limits.maxBytes() + " bytes", bytes, i, stop);
            }
            buf = Arrays.copyOf(buf, (int) Math.min((long) size * 2, limits.maxBytes()));
        }
    }

    private static boolean continuesScalar(byte b) {
        return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '-' || b == '+' || b == '.';
    }

    /** A limit was hit at bytes[i], which is not buffered yet: the position is the end of the buffer. */
    private JsonException failure(String problem, byte[] bytes, int i, int stop) {
        return JsonException.at(problem, buf, 0, size, path(), JsonException.snippet(bytes, i, stop));
    }

    private String path() {
        StringBuilder sb = new StringBuilder("$");
        for (int d = 1; d <= depth; d++) {
            if (!isObject[d]) {
                JsonPath.appendIndex(sb, position[d]);
            } else if (position[d] >= 0 && keyEnd[d] > position[d]) {
                try {
                    if (Json.parse(buf, position[d], keyEnd[d] - position[d], limits) instanceof JsonString key) {
                        JsonPath.appendKey(sb, key.value());
                    }
                } catch (JsonException e) {
                    // A malformed name: the parse of the whole value would have failed there first.
                }
            }
        }
        return sb.toString();
    }
}
