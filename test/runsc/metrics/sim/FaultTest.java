// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FaultTest {
    @Test
    void parsesEveryFaultAndPrintsItBack() {
        for (String text : new String[] {"none", "stall", "slow:250", "garbage", "close", "huge", "regress", "dead"}) {
            assertEquals(text, Fault.parse(text).toString());
        }
        assertEquals(new Fault(Fault.Kind.SLOW, 250), Fault.parse("slow:250"));
    }

    @Test
    void rejectsUnknownFaultsAndBadDelays() {
        assertEquals("invalid fault 'wobble': must be one of none, stall, slow:MS, garbage, close, huge, regress, dead",
                assertThrows(IllegalArgumentException.class, () -> Fault.parse("wobble")).getMessage());
        assertEquals("invalid fault 'slow:x': slow needs a delay in milliseconds, as in slow:500",
                assertThrows(IllegalArgumentException.class, () -> Fault.parse("slow:x")).getMessage());
        assertEquals("fault SLOW: delay must be positive, was 0",
                assertThrows(IllegalArgumentException.class, () -> Fault.parse("slow:0")).getMessage());
    }
}
