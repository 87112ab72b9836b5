// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import java.util.List;

/**
 * A JSON array.
 *
 * @param elements the elements, copied into an unmodifiable list
 */
public record JsonArray(List<JsonValue> elements) implements JsonValue {

    /** Copies the elements; rejects null elements. */
    public JsonArray {
        elements = List.copyOf(elements);
    }
}
