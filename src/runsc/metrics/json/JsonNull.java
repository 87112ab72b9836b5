// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

/** The JSON {@code null}. All instances are equal; {@link #INSTANCE} saves the allocation. */
public record JsonNull() implements JsonValue {

    /** The shared instance. */
    public static final JsonNull INSTANCE = new JsonNull();

    /** The compact JSON text, as {@link Json#write(JsonValue)} gives it. */
    @Override
    public String toString() {
        return Json.write(this);
    }
}
