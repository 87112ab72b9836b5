// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.testing;

import java.io.ByteArrayOutputStream;

/**
 * The body of a Python bytes literal as {@code repr()} prints it, such as the captures of real
 * sandbox replies in {@code spec/samples} hold: {@code b'{"a":"\\n"}'} without {@code b'} and
 * {@code '}.
 */
public final class PythonBytes {
    private PythonBytes() {}

    /**
     * Decodes the escapes {@code repr()} writes: {@code \n}, {@code \r}, {@code \t}, {@code \xHH},
     * and a backslash before {@code \}, {@code '} or {@code "}.
     *
     * @param body the text between the quotes
     * @return the bytes
     * @throws IllegalArgumentException on any other escape, naming it
     */
    public static byte[] decode(String body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\') {
                out.write(c);
                continue;
            }
            char e = body.charAt(++i);
            switch (e) {
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case '\\', '\'', '"' -> out.write(e);
                case 'x' -> {
                    out.write(Integer.parseInt(body.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new IllegalArgumentException("escape \\" + e + " at " + (i - 1)
                        + " of a Python bytes repr is not one that repr() writes");
            }
        }
        return out.toByteArray();
    }
}
