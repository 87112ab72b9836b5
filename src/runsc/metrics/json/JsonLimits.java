// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

/**
 * Bounds on what a parse will accept: every document comes from a file or a socket that might be
 * hostile or broken, so nesting and size are capped and the caps are named in the error messages.
 *
 * @param maxDepth      deepest nesting of arrays and objects (the top-level value is depth 1)
 * @param maxBytes      largest document, in bytes of UTF-8
 * @param duplicateKeys what to do when an object repeats a member name
 */
public record JsonLimits(int maxDepth, int maxBytes, DuplicateKeys duplicateKeys) {

    /** Default nesting cap: real state files nest 8 deep, urpc replies 6. */
    public static final int DEFAULT_MAX_DEPTH = 64;
    /** Default size cap: a real state file is about 50 KB, a real Export reply about 1 KB. */
    public static final int DEFAULT_MAX_BYTES = 64 << 20;

    /** Strict defaults: {@value #DEFAULT_MAX_DEPTH} levels, {@value #DEFAULT_MAX_BYTES} bytes, no duplicate keys. */
    public static final JsonLimits DEFAULT = new JsonLimits(DEFAULT_MAX_DEPTH, DEFAULT_MAX_BYTES, DuplicateKeys.REJECT);

    /** What a parser does with {@code {"a":1,"a":2}}. */
    public enum DuplicateKeys {
        /** Fail with "duplicate member name". State files never have duplicates. */
        REJECT,
        /** Keep the last one, as Go's {@code encoding/json} does. */
        KEEP_LAST
    }

    /** Checks that both caps are positive. */
    public JsonLimits {
        if (maxDepth < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("limits must be positive: depth " + maxDepth + ", bytes " + maxBytes);
        }
        java.util.Objects.requireNonNull(duplicateKeys, "duplicateKeys");
    }

    /**
     * Returns these limits with another size cap.
     *
     * @param bytes the new cap
     * @return a copy
     */
    public JsonLimits withMaxBytes(int bytes) {
        return new JsonLimits(maxDepth, bytes, duplicateKeys);
    }

    /**
     * Returns these limits with another nesting cap.
     *
     * @param depth the new cap
     * @return a copy
     */
    public JsonLimits withMaxDepth(int depth) {
        return new JsonLimits(depth, maxBytes, duplicateKeys);
    }

    /**
     * Returns these limits with another duplicate-key policy.
     *
     * @param policy the policy
     * @return a copy
     */
    public JsonLimits withDuplicateKeys(DuplicateKeys policy) {
        return new JsonLimits(maxDepth, maxBytes, policy);
    }
}
