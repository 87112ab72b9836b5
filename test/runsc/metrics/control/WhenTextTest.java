// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-read snapshot time agrees with {@code ISO_OFFSET_DATE_TIME} wherever it answers. */
class WhenTextTest {
    private static OffsetDateTime formatter(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Either the hand-read time is the formatter's, offset included, or it leaves the text to it. */
    private static void agrees(String text) {
        OffsetDateTime ours = WhenText.common(text);
        if (ours != null) {
            assertEquals(formatter(text), ours, text);
            assertEquals(formatter(text).getOffset(), ours.getOffset(), text);
        }
        OffsetDateTime expected = formatter(text);
        if (expected == null) {
            assertThrows(DateTimeParseException.class, () -> WhenText.parse(text), text);
        } else {
            assertEquals(expected, WhenText.parse(text), text);
        }
    }

    @Test
    void readsTheShapesGoWritesByHand() {
        for (String text : List.of("2026-12-05T17:53:25.123456789Z", "2026-12-05T17:53:25Z", "2026-12-05T17:53:25.5Z",
                "0001-01-01T00:00:00Z", "2024-02-29T23:59:59.000000001+05:30", "1999-12-31T00:00:00-08:00",
                "2026-01-01T00:00:00.12-00:00", "9999-12-31T23:59:59.999999999+18:00")) {
            assertNotNull(WhenText.common(text), text);
            agrees(text);
        }
        assertEquals(ZoneOffset.UTC, WhenText.parse("2026-01-01T00:00:00-00:00").getOffset());
        assertEquals(123_000_000, WhenText.parse("2026-12-05T17:53:25.123Z").getNano());
    }

    @Test
    void leavesEverythingElseToTheFormatter() {
        for (String text : List.of("2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-12-32T00:00:00Z",
                "2026-12-05T24:00:00Z", "2026-12-05T23:60:00Z", "2026-12-05T23:59:60Z", "2026-12-05t17:53:25Z",
                "2026-12-05T17:53:25z", "2026-12-05T17:53:25.Z", "2026-12-05T17:53:25.1234567891Z",
                "2026-12-05T17:53:25+19:00", "2026-12-05T17:53:25+01:60", "2026-12-05T17:53:25+01:00:30",
                "2026-12-05T17:53Z", "2026-12-05T17:53:25", "2026-12-05 17:53:25Z", "+2026-12-05T17:53:25Z",
                "2026-12-05T17:53:25+0100", "2026-1a-05T17:53:25Z", "2026-12-05T17:53:25Z ", "", "not a time")) {
            assertNull(WhenText.common(text), text);
            agrees(text);
        }
    }

    @Test
    void agreesWithTheFormatterOnRandomTexts() {
        Random random = new Random(12);
        String template = "2026-12-05T17:53:25.123456789+05:30";
        String alphabet = "0123456789-+:.TZtz 9";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder(template.substring(0, 19 + random.nextInt(template.length() - 18)));
            if (random.nextBoolean()) {
                text.append(random.nextBoolean() ? "Z" : random.nextBoolean() ? "+01:00" : "-11:45");
            }
            for (int k = random.nextInt(3); k > 0; k--) {
                text.setCharAt(random.nextInt(text.length()), alphabet.charAt(random.nextInt(alphabet.length())));
            }
            agrees(text.toString());
        }
    }
}
