// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import java.util.Objects;

/**
 * A JSON string.
 *
 * @param value the decoded text (never contains a lone surrogate when it comes from the parser)
 */
public record JsonString(String value) implements JsonValue {

    /** Rejects null. */
    public JsonString {
        Objects.requireNonNull(value, "value");
    }

    /** The compact JSON text, as {@link Json#write(JsonValue)} gives it. */
    @Override
    public String toString() {
        return Json.write(this);
    }
}
