// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import java.util.Map;

/**
 * A JSON object; its members keep document order (a write after a parse gives the same order).
 *
 * @param members the members, copied into an unmodifiable insertion-ordered map (not copied again
 *     when they come from another object or from the parser)
 */
public record JsonObject(Map<String, JsonValue> members) implements JsonValue {

    /** The empty object. */
    public static final JsonObject EMPTY = new JsonObject(Members.EMPTY);

    /** Copies the members, keeping their iteration order; rejects null keys and values. */
    public JsonObject {
        members = Members.copyOf(members);
    }

    // equals and hashCode are written out for the stack's sake, as in JsonArray.

    /** Equal to another object with the same members, in any order. */
    @Override
    public boolean equals(Object other) {
        return other instanceof JsonObject o && members.equals(o.members);
    }

    /** The hash code of the member map. */
    @Override
    public int hashCode() {
        return members.hashCode();
    }

    /**
     * Returns the member named {@code key}, or null when there is none.
     *
     * @param key the member name, matched exactly
     * @return the value or null
     */
    public JsonValue get(String key) {
        return members.get(key);
    }

    /**
     * Returns the member a Go struct field named {@code name} would be decoded from: Go's
     * {@code encoding/json} matches member names ignoring case, and of several matches the last one
     * in the document wins. Null when there is none.
     *
     * @param name the field name
     * @return the value or null
     */
    public JsonValue memberIgnoringCase(String name) {
        return ((Members) members).lastIgnoringCase(name);
    }

    /** The compact JSON text, as {@link Json#write(JsonValue)} gives it. */
    @Override
    public String toString() {
        return Json.write(this);
    }
}
