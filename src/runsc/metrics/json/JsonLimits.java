// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import java.util.Objects;

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

    /**
     * Highest nesting cap allowed. The parser recurses once per level, and so do the writer, equals,
     * hashCode and toString on the values, so the cap keeps a document from overflowing the Java stack:
     * at this depth all of them fit in a default 1 MB thread stack even before the JIT compiles them
     * (a parse then needs about 450 KB; a test checks the whole on a 1 MB stack).
     */
    public static final int MAX_DEPTH_CEILING = 1000;

    /** Strict defaults: {@value #DEFAULT_MAX_DEPTH} levels, {@value #DEFAULT_MAX_BYTES} bytes, no duplicate keys. */
    public static final JsonLimits DEFAULT = new JsonLimits(DEFAULT_MAX_DEPTH, DEFAULT_MAX_BYTES, DuplicateKeys.REJECT);

    /** What a parser does with {@code {"a":1,"a":2}}. */
    public enum DuplicateKeys {
        /** Fail with "duplicate member name". State files never have duplicates. */
        REJECT,
        /** Keep the last value, as Go's {@code encoding/json} does (at the place of the first). */
        KEEP_LAST
    }

    /** Checks that the depth cap is between 1 and {@value #MAX_DEPTH_CEILING} and the size cap positive. */
    public JsonLimits {
        if (maxDepth < 1 || maxDepth > MAX_DEPTH_CEILING) {
            throw new IllegalArgumentException("maxDepth must be between 1 and " + MAX_DEPTH_CEILING
                    + " (deeper nesting could overflow the Java stack), but was " + maxDepth);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive, but was " + maxBytes);
        }
        Objects.requireNonNull(duplicateKeys, "duplicateKeys");
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
