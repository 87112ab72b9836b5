// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.tls;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The few DER rules the key files need: reading one element at a time (tag, length, contents) and
 * writing a SEQUENCE, an INTEGER 0, NULL and an OCTET STRING, enough to wrap a PKCS#1 or SEC1 key
 * in the PKCS#8 envelope the JDK's key factories read.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;
    /** {@code [0]} constructed, context-specific: SEC1's curve parameters. */
    static final int CONTEXT_0 = 0xA0;

    private Der() {
    }

    /** One element: its tag, its whole encoding and where its contents lie within that encoding. */
    record Element(int tag, byte[] encoding, int contentStart) {
        /** The contents without tag and length. */
        byte[] contents() {
            return Arrays.copyOfRange(encoding, contentStart, encoding.length);
        }

        /** A reader over the contents, for a constructed element. */
        Reader children() {
            return new Reader(contents());
        }
    }

    /** Reads the elements of one level in order. */
    static final class Reader {
        private final byte[] bytes;
        private int pos;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        boolean hasNext() {
            return pos < bytes.length;
        }

        /**
         * The next element.
         *
         * @throws IllegalArgumentException if the bytes end early or a length is not DER
         */
        Element next() {
            int start = pos;
            int tag = read();
            if ((tag & 0x1F) == 0x1F) {
                throw new IllegalArgumentException("multi-byte DER tags are not used in key files");
            }
            int first = read();
            long length;
            if (first < 0x80) {
                length = first;
            } else {
                int count = first & 0x7F;
                if (count == 0 || count > 4) {
                    throw new IllegalArgumentException("DER length of " + count + " bytes at offset " + (pos - 1));
                }
                length = 0;
                for (int i = 0; i < count; i++) {
                    length = length << 8 | read();
                }
            }
            int contentStart = pos - start;
            if (length > bytes.length - pos) {
                throw new IllegalArgumentException("DER element at offset " + start + " is longer than the data");
            }
            pos += (int) length;
            return new Element(tag, Arrays.copyOfRange(bytes, start, pos), contentStart);
        }

        /** The next element, which must have {@code tag}; {@code what} names it in the error. */
        Element next(int tag, String what) {
            if (!hasNext()) {
                throw new IllegalArgumentException("the DER data ends before its " + what);
            }
            Element e = next();
            if (e.tag() != tag) {
                throw new IllegalArgumentException("expected the " + what + " (DER tag 0x" + Integer.toHexString(tag)
                        + "), found tag 0x" + Integer.toHexString(e.tag()));
            }
            return e;
        }

        private int read() {
            if (pos >= bytes.length) {
                throw new IllegalArgumentException("the DER data ends in the middle of an element");
            }
            return bytes[pos++] & 0xFF;
        }
    }

    /** The dotted text of an OBJECT IDENTIFIER's contents, such as {@code 1.2.840.10045.2.1}. */
    static String oidText(byte[] contents) {
        StringBuilder b = new StringBuilder();
        long value = 0;
        boolean first = true;
        for (byte c : contents) {
            value = value << 7 | (c & 0x7F);
            if ((c & 0x80) != 0) {
                continue;
            }
            if (first) {
                int arc = (int) Math.min(2, value / 40);
                b.append(arc).append('.').append(value - 40L * arc);
                first = false;
            } else {
                b.append('.').append(value);
            }
            value = 0;
        }
        return b.toString();
    }

    /** A SEQUENCE of already encoded elements. */
    static byte[] sequence(byte[]... elements) {
        ByteArrayOutputStream contents = new ByteArrayOutputStream();
        for (byte[] e : elements) {
            contents.writeBytes(e);
        }
        return encode(SEQUENCE, contents.toByteArray());
    }

    /** An OCTET STRING. */
    static byte[] octetString(byte[] contents) {
        return encode(OCTET_STRING, contents);
    }

    /** INTEGER 0, PKCS#8's version. */
    static byte[] integerZero() {
        return new byte[] {INTEGER, 1, 0};
    }

    /** NULL, the parameters of rsaEncryption. */
    static byte[] nullValue() {
        return new byte[] {NULL, 0};
    }

    /** An element with a definite length in the shortest form, as DER requires. */
    static byte[] encode(int tag, byte[] contents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(contents.length + 6);
        out.write(tag);
        int n = contents.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xFFFFFF ? 4 : n > 0xFFFF ? 3 : n > 0xFF ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(contents);
        return out.toByteArray();
    }
}
