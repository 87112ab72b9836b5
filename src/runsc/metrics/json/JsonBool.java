// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

/**
 * A JSON {@code true} or {@code false}.
 *
 * @param value the boolean
 */
public record JsonBool(boolean value) implements JsonValue {

    /** {@code true}. */
    public static final JsonBool TRUE = new JsonBool(true);
    /** {@code false}. */
    public static final JsonBool FALSE = new JsonBool(false);

    /**
     * Returns the shared instance for {@code value}.
     *
     * @param value the boolean
     * @return {@link #TRUE} or {@link #FALSE}
     */
    public static JsonBool of(boolean value) {
        return value ? TRUE : FALSE;
    }

    /** The compact JSON text, as {@link Json#write(JsonValue)} gives it. */
    @Override
    public String toString() {
        return Json.write(this);
    }
}
