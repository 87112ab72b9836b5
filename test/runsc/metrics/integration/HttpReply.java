// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP response as curl received it.
 *
 * @param status the status code
 * @param headers header fields by lower-case name (the last one wins)
 * @param body the body bytes (empty for HEAD)
 */
record HttpReply(int status, Map<String, String> headers, byte[] body) {
    HttpReply {
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }

    /** The body decoded as UTF-8. */
    String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** A header field by case-insensitive name. */
    Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    }
}
