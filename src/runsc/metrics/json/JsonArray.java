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

    // equals and hashCode are written out because the generated ones go through method handles that
    // take several stack frames per nesting level; these take two or three (see JsonLimits.MAX_DEPTH_CEILING).

    /** Equal to another array with equal elements in the same order. */
    @Override
    public boolean equals(Object other) {
        return other instanceof JsonArray a && elements.equals(a.elements);
    }

    /** The hash code of the element list. */
    @Override
    public int hashCode() {
        return elements.hashCode();
    }

    /** The compact JSON text, as {@link Json#write(JsonValue)} gives it. */
    @Override
    public String toString() {
        return Json.write(this);
    }
}
