// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import java.nio.charset.StandardCharsets;
import runsc.metrics.json.Json;
import runsc.metrics.json.JsonWhitespace;

/**
 * The byte scanner under {@link ExportReplyReader}: reads one JSON document token by token, strictly
 * enough that whatever it accepts the parser accepts too, and declines ({@link Decline}) everything
 * else, including whatever it would need a tree or a string builder for: an escape or a byte outside
 * printable ASCII in a string, and integers that may not fit an int64. Every read skips the
 * whitespace after its token, so that the scanner always stands at a token or at the end.
 * Not thread-safe.
 */
final class ReplyScanner {
    /** Thrown to decline; carries nothing. */
    static final class Decline extends Exception {
        private static final long serialVersionUID = 1L;
        static final Decline INSTANCE = new Decline();

        private Decline() {
            super(null, null, false, false);
        }
    }

    private final byte[] in;
    private final int end;
    private int pos;
    // Where the last member name read starts (after its quote) and ends (at its closing quote).
    private int nameStart;
    private int nameEnd;

    /** Stands at the first token of {@code in[offset, offset + length)}. */
    ReplyScanner(byte[] in, int offset, int length) {
        this.in = in;
        this.pos = offset;
        this.end = offset + length;
        skipWhitespace();
    }

    /** {@return whether every byte was read} */
    boolean atEnd() {
        return pos == end;
    }

    /** {@return the byte of the next token} */
    byte peek() throws Decline {
        if (pos >= end) {
            throw Decline.INSTANCE;
        }
        return in[pos];
    }

    // ---- objects and arrays

    /**
     * Reads the opening brace of an object and its first member name; returns the entry of
     * {@code names} that name is, ignoring ASCII case as Go's decoder matches struct fields, the
     * empty string for a name not among them, or null for an empty object (then read whole).
     */
    String firstField(String[] names) throws Decline {
        return open('{', '}') ? field(names) : null;
    }

    /** After a member's value: the next member's name as {@link #firstField} gives it, or null at the closing brace. */
    String nextField(String[] names) throws Decline {
        return next('}') ? field(names) : null;
    }

    /** Reads the opening brace of an object and returns its first member name as it is, or null for an empty object. */
    String firstName() throws Decline {
        return open('{', '}') ? name() : null;
    }

    /** After a member's value: the next member name as it is, or null at the closing brace. */
    String nextName() throws Decline {
        return next('}') ? name() : null;
    }

    /** Reads the opening bracket of an array: true if an element follows, false for an empty array (then read whole). */
    boolean firstElement() throws Decline {
        return open('[', ']');
    }

    /** After an element: true at a comma (another element follows), false at the closing bracket. */
    boolean nextElement() throws Decline {
        return next(']');
    }

    private boolean open(char open, char close) throws Decline {
        if (peek() != open) {
            throw Decline.INSTANCE;
        }
        pos++;
        skipWhitespace();
        if (peek() == close) {
            pos++;
            skipWhitespace();
            return false;
        }
        return true;
    }

    private boolean next(char close) throws Decline {
        byte b = peek();
        pos++;
        skipWhitespace();
        if (b == ',') {
            return true;
        }
        if (b == close) {
            return false;
        }
        throw Decline.INSTANCE;
    }

    private String field(String[] names) throws Decline {
        memberName();
        for (String name : names) {
            if (nameIs(name)) {
                return name;
            }
        }
        return "";
    }

    private String name() throws Decline {
        memberName();
        return Json.asciiString(in, nameStart, nameEnd);
    }

    /** Reads a member name and its colon, and keeps where the name is. */
    private void memberName() throws Decline {
        nameStart = pos + 1;
        nameEnd = skipString();
        if (peek() != ':') {
            throw Decline.INSTANCE;
        }
        pos++;
        skipWhitespace();
    }

    /** Whether the last member name read is {@code field} (lower case), ignoring ASCII case. */
    private boolean nameIs(String field) {
        if (nameEnd - nameStart != field.length()) {
            return false;
        }
        for (int i = 0; i < field.length(); i++) {
            int b = in[nameStart + i];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != field.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Skips any value, checking it as strictly as the parser would, or declines. */
    void skipValue() throws Decline {
        switch (peek()) {
            case '{' -> {
                if (open('{', '}')) {
                    do {
                        memberName();
                        skipValue();
                    } while (next('}'));
                }
            }
            case '[' -> {
                if (firstElement()) {
                    do {
                        skipValue();
                    } while (nextElement());
                }
            }
            case '"' -> skipString();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                numberToken();
                skipWhitespace();
            }
        }
    }

    // ---- scalars

    /** Reads {@code null} if it is next: {@return whether it was} */
    boolean skipNull() throws Decline {
        if (peek() != 'n') {
            return false;
        }
        literal("null");
        return true;
    }

    /** Reads the literal, which must be there, and returns true. */
    boolean literal(String word) throws Decline {
        if (end - pos < word.length()) {
            throw Decline.INSTANCE;
        }
        for (int i = 0; i < word.length(); i++) {
            if (in[pos + i] != word.charAt(i)) {
                throw Decline.INSTANCE;
            }
        }
        pos += word.length();
        if (pos < end && (in[pos] >= 'a' && in[pos] <= 'z' || digit(in[pos]))) {
            throw Decline.INSTANCE; // nullx: the parser refuses it
        }
        skipWhitespace();
        return true;
    }

    /** A string of printable ASCII without escapes, shared with the parser's cache; else declines. */
    String string() throws Decline {
        int start = pos + 1;
        int stop = skipString();
        return Json.asciiString(in, start, stop);
    }

    /** Skips a string of printable ASCII without escapes and returns where its closing quote was. */
    int skipString() throws Decline {
        if (pos >= end || in[pos] != '"') {
            throw Decline.INSTANCE;
        }
        int i = pos + 1;
        while (i < end && in[i] != '"') {
            byte b = in[i];
            if (b < 0x20 || b == '\\' || b == 0x7f) { // negative bytes, non-ASCII, are below 0x20 too
                throw Decline.INSTANCE;
            }
            i++;
        }
        if (i >= end) {
            throw Decline.INSTANCE;
        }
        pos = i + 1;
        skipWhitespace();
        return i;
    }

    /** An int64 token, or null as 0. */
    long int64() throws Decline {
        if (skipNull()) {
            return 0;
        }
        int start = pos;
        if (!numberToken()) {
            throw Decline.INSTANCE; // a fraction or exponent: not an int64
        }
        int digits = pos - start - (in[start] == '-' ? 1 : 0);
        if (digits > 18) {
            throw Decline.INSTANCE; // may be out of range: the tree says so
        }
        long v = 0;
        for (int k = in[start] == '-' ? start + 1 : start; k < pos; k++) {
            v = v * 10 + (in[k] - '0');
        }
        skipWhitespace();
        return in[start] == '-' ? -v : v;
    }

    /** A uint64 token below 10^18 (larger ones go to the tree), or null as 0. */
    long uint64() throws Decline {
        if (peek() == '-') {
            throw Decline.INSTANCE;
        }
        return int64();
    }

    /** A float64 token, or null as 0. */
    double float64() throws Decline {
        if (skipNull()) {
            return 0;
        }
        int start = pos;
        numberToken();
        double f = Double.parseDouble(new String(in, start, pos - start, StandardCharsets.ISO_8859_1));
        skipWhitespace();
        return f;
    }

    /**
     * Skips one RFC 8259 number at {@code pos}, not the whitespace after it, and returns whether it
     * was an integer token; declines what the parser would refuse (a leading zero before a digit, a
     * dot or exponent without digits).
     */
    private boolean numberToken() throws Decline {
        boolean integer = true;
        if (pos < end && in[pos] == '-') {
            pos++;
        }
        if (pos >= end || !digit(in[pos])) {
            throw Decline.INSTANCE;
        }
        if (in[pos] == '0') {
            pos++;
            if (pos < end && digit(in[pos])) {
                throw Decline.INSTANCE;
            }
        } else {
            while (pos < end && digit(in[pos])) {
                pos++;
            }
        }
        if (pos < end && in[pos] == '.') {
            integer = false;
            pos++;
            digits();
        }
        if (pos < end && (in[pos] == 'e' || in[pos] == 'E')) {
            integer = false;
            pos++;
            if (pos < end && (in[pos] == '+' || in[pos] == '-')) {
                pos++;
            }
            digits();
        }
        return integer;
    }

    private void digits() throws Decline {
        if (pos >= end || !digit(in[pos])) {
            throw Decline.INSTANCE;
        }
        while (pos < end && digit(in[pos])) {
            pos++;
        }
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    private void skipWhitespace() {
        pos = JsonWhitespace.skip(in, pos, end);
    }
}
