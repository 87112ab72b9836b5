// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.tls;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The blocks of a PEM text (RFC 7468, with RFC 1421's header lines, which openssl still writes for
 * legacy encrypted keys). Text outside the blocks is ignored, as openssl and Go ignore it.
 */
final class Pem {
    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    private Pem() {
    }

    /**
     * One block.
     *
     * @param type    the label, such as {@code CERTIFICATE} or {@code EC PRIVATE KEY}
     * @param headers RFC 1421 header fields, such as {@code Proc-Type}; usually none
     * @param der     the decoded contents
     * @param line    the 1-based line of its BEGIN line, for messages
     */
    record Block(String type, Map<String, String> headers, byte[] der, int line) {}

    /**
     * Parses every block of {@code text}.
     *
     * @throws IllegalArgumentException naming the line for a block without its END line, an END
     *     line of another type, or contents that are not base64
     */
    static List<Block> parse(String text) {
        List<Block> blocks = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (!line.startsWith(BEGIN) || !line.endsWith(DASHES) || line.length() < BEGIN.length() + DASHES.length()) {
                continue;
            }
            String type = line.substring(BEGIN.length(), line.length() - DASHES.length());
            int begin = i;
            Map<String, String> headers = new LinkedHashMap<>();
            StringBuilder base64 = new StringBuilder();
            boolean ended = false;
            for (i++; i < lines.length; i++) {
                String l = lines[i].strip();
                if (l.startsWith(END)) {
                    if (!l.equals(END + type + DASHES)) {
                        throw new IllegalArgumentException("line " + (i + 1) + ": \"" + l + "\" ends the " + type
                                + " block of line " + (begin + 1));
                    }
                    ended = true;
                    break;
                }
                int colon = l.indexOf(':');
                if (colon > 0 && base64.isEmpty()) {
                    headers.put(l.substring(0, colon).strip(), l.substring(colon + 1).strip());
                } else {
                    base64.append(l);
                }
            }
            if (!ended) {
                throw new IllegalArgumentException("line " + (begin + 1) + ": the " + type + " block has no END line");
            }
            byte[] der;
            try {
                der = Base64.getDecoder().decode(base64.toString());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (begin + 1) + ": the " + type + " block is not base64 ("
                        + e.getMessage() + ")", e);
            }
            if (der.length == 0) {
                throw new IllegalArgumentException("line " + (begin + 1) + ": the " + type + " block is empty");
            }
            blocks.add(new Block(type, Map.copyOf(headers), der, begin + 1));
        }
        return blocks;
    }
}
