// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

/**
 * JSON's insignificant whitespace (RFC 8259 section 2: space, tab, line feed, carriage return), for
 * the parser, the framer and decoders that read a document's bytes themselves.
 */
public final class JsonWhitespace {
    private JsonWhitespace() {}

    /**
     * {@return whether the byte is JSON whitespace}
     *
     * @param b any byte
     */
    public static boolean is(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    /**
     * {@return the index of the first byte from {@code from} on that is not whitespace, or {@code to}}
     *
     * @param bytes the document
     * @param from  where to start
     * @param to    where the document ends, exclusive
     */
    public static int skip(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to && is(bytes[i])) {
            i++;
        }
        return i;
    }
}
