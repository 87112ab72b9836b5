// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

/**
 * A JSON value: one of six record types, so that a {@code switch} over them needs no default.
 *
 * <p>Values are immutable and compare by content; objects keep their members in document order.
 * {@code toString()} gives the compact JSON text.
 */
public sealed interface JsonValue permits JsonObject, JsonArray, JsonString, JsonNumber, JsonBool, JsonNull {

    /** The RFC 8259 name of this value's type, for messages such as "expected string but was number". */
    default String typeName() {
        return switch (this) {
            case JsonObject o -> "object";
            case JsonArray a -> "array";
            case JsonString s -> "string";
            case JsonNumber n -> "number";
            case JsonBool b -> "boolean";
            case JsonNull n -> "null";
        };
    }
}
