// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import java.util.Objects;

/**
 * One header field as sent or received.
 *
 * @param name the field name, as written
 * @param value the field value, without surrounding whitespace
 */
public record Header(String name, String value) {
    /** Checks that neither part is null. */
    public Header {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
