// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

/**
 * Writes the JSON path shown in error messages, in the JSONPath style gson uses: {@code $} for the
 * top-level value, {@code .name} for a member whose name is an identifier, {@code ['a b']} for any other
 * name, {@code [3]} for an array element.
 */
final class JsonPath {
    private JsonPath() {}

    static void appendIndex(StringBuilder path, int index) {
        path.append('[').append(index).append(']');
    }

    static void appendKey(StringBuilder path, String key) {
        if (isIdentifier(key)) {
            path.append('.').append(key);
            return;
        }
        path.append("['");
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '\'' || c == '\\') {
                path.append('\\').append(c);
            } else if (JsonException.invisible(c)) {
                // Keeps the message on one line and free of characters a terminal would act on.
                path.append(String.format("\\u%04x", (int) c));
            } else {
                path.append(c);
            }
        }
        path.append("']");
    }

    private static boolean isIdentifier(String key) {
        if (key.isEmpty() || !isIdentifierStart(key.charAt(0))) {
            return false;
        }
        for (int i = 1; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!isIdentifierStart(c) && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIdentifierStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
    }
}
