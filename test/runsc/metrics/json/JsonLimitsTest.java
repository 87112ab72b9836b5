// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class JsonLimitsTest {

    @Test
    void defaultsAreStrictAndNamed() {
        assertEquals(new JsonLimits(64, 64 << 20, JsonLimits.DuplicateKeys.REJECT), JsonLimits.DEFAULT);
        assertEquals(JsonLimits.DEFAULT_MAX_DEPTH, JsonLimits.DEFAULT.maxDepth());
        assertEquals(JsonLimits.DEFAULT_MAX_BYTES, JsonLimits.DEFAULT.maxBytes());
    }

    @Test
    void withersChangeOneLimit() {
        JsonLimits l = JsonLimits.DEFAULT.withMaxDepth(3).withMaxBytes(10).withDuplicateKeys(JsonLimits.DuplicateKeys.KEEP_LAST);
        assertEquals(new JsonLimits(3, 10, JsonLimits.DuplicateKeys.KEEP_LAST), l);
    }

    @Test
    void acceptsTheDepthCeilingAndRejectsOneMore() {
        assertEquals(1000, JsonLimits.DEFAULT.withMaxDepth(JsonLimits.MAX_DEPTH_CEILING).maxDepth());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonLimits.DEFAULT.withMaxDepth(1001));
        assertEquals("maxDepth must be between 1 and 1000 (deeper nesting could overflow the Java stack), but was 1001",
                e.getMessage());
    }

    @Test
    void rejectsLimitsBelowOne() {
        assertEquals("maxDepth must be between 1 and 1000 (deeper nesting could overflow the Java stack), but was 0",
                assertThrows(IllegalArgumentException.class, () -> JsonLimits.DEFAULT.withMaxDepth(0)).getMessage());
        assertEquals("maxBytes must be positive, but was 0",
                assertThrows(IllegalArgumentException.class, () -> JsonLimits.DEFAULT.withMaxBytes(0)).getMessage());
        assertThrows(NullPointerException.class, () -> JsonLimits.DEFAULT.withDuplicateKeys(null));
    }
}
