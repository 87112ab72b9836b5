// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.gotext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.DateTimeException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GoTimeTest {
    @Test
    void formatsLikeGoTimeStringInUtc() {
        assertEquals("2026-11-25 03:34:49.899887494 +0000 UTC",
                GoTime.utcString(Instant.parse("2026-11-25T03:34:49.899887494Z")));
        assertEquals("2026-11-25 03:34:49.8 +0000 UTC", GoTime.utcString(Instant.parse("2026-11-25T03:34:49.800Z")));
        assertEquals("2026-11-25 03:34:49.00000001 +0000 UTC",
                GoTime.utcString(Instant.parse("2026-11-25T03:34:49.000000010Z")));
        assertEquals("2026-11-25 03:34:49 +0000 UTC", GoTime.utcString(Instant.parse("2026-11-25T03:34:49Z")));
        assertEquals("0001-01-01 00:00:00 +0000 UTC", GoTime.utcString(GoTime.ZERO));
    }

    @Test
    void parsesRfc3339WithAnyOffsetAndZeroToNineFractionDigits() {
        assertEquals(Instant.parse("2026-11-25T03:34:49.899887494Z"), GoTime.parseRfc3339("2026-11-25T03:34:49.899887494Z"));
        assertEquals(Instant.parse("2026-11-25T03:39:12.063723820Z"), GoTime.parseRfc3339("2026-11-25T03:39:12.06372382Z"));
        assertEquals(Instant.parse("2026-11-25T03:34:49Z"), GoTime.parseRfc3339("2026-11-25T03:34:49Z"));
        assertEquals(Instant.parse("2026-11-25T03:34:49.1Z"), GoTime.parseRfc3339("2026-11-25T04:34:49.1+01:00"));
        assertEquals(Instant.parse("2026-11-25T09:04:49Z"), GoTime.parseRfc3339("2026-11-25T03:34:49-05:30"));
    }

    @Test
    void rejectsOtherTexts() {
        for (String bad : new String[] {"2026-11-25 03:34:49Z", "2026-11-25T03:34:49", "2026-11-25T03:34:49.Z",
                "2026-11-25T03:34:49.1234567890Z", "2026-11-25T03:34:49+0100", "2026-11-25t03:34:49z", ""}) {
            assertThrows(DateTimeException.class, () -> GoTime.parseRfc3339(bad), bad);
        }
        assertThrows(DateTimeException.class, () -> GoTime.parseRfc3339("2026-13-25T03:34:49Z"));
        assertThrows(DateTimeException.class, () -> GoTime.parseRfc3339("2026-11-25T03:34:49+25:00"));
    }

    @Test
    void roundTripsNanoseconds() {
        Instant t = Instant.parse("1999-12-31T23:59:59.000000001Z");
        assertEquals(t, GoTime.parseRfc3339(t.toString()));
    }
}
