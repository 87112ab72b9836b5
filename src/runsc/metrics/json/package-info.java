// SPDX-License-Identifier: Apache-2.0

/**
 * Strict JSON (RFC 8259) for state files and urpc messages, using only {@code java.base}.
 *
 * <p>{@link runsc.metrics.json.Json} parses a whole document into a {@link runsc.metrics.json.JsonValue}
 * tree and writes compact JSON the way Go's {@code encoding/json} does. Numbers keep their source token,
 * so an int64 is read exactly and an integer token can be told from a fractional one.
 * {@link runsc.metrics.json.JsonFramer} finds where one top-level value ends in a byte stream without
 * waiting for end of file (urpc has no other framing), and {@link runsc.metrics.json.JsonChannelReader}
 * reads one value from a channel under a deadline. Every problem is a
 * {@link runsc.metrics.json.JsonException} with line, column and JSON path; every input size is bounded
 * by {@link runsc.metrics.json.JsonLimits}.
 */
package runsc.metrics.json;
