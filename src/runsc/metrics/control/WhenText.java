// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Reads a snapshot's {@code when}, an RFC 3339 time as Go's {@code time.Time} marshals it, exactly
 * as {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME} does. The formatter allocates a few kilobytes a
 * call (its parse context copies field maps), and every sandbox's reply at every scrape has one; so
 * the shape Go writes, {@code 2006-01-02T15:04:05[.fraction](Z|±hh:mm)}, is read here by hand, and
 * anything else, valid or not, goes to the formatter, which then decides and words any error.
 */
final class WhenText {
    private WhenText() {}

    /**
     * Parses a time.
     *
     * @param text the text
     * @return the time with its offset
     * @throws java.time.format.DateTimeParseException if the formatter refuses the text
     */
    static OffsetDateTime parse(String text) {
        OffsetDateTime t = common(text);
        return t != null ? t : OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    /**
     * {@return the zone a snapshot's time is printed in} {@code UTC} for a zero offset, as Go
     * prints a time it parsed with {@code Z}; the offset itself otherwise.
     *
     * @param t a parsed time
     */
    static ZoneId zoneOf(OffsetDateTime t) {
        return t.getOffset().getTotalSeconds() == 0 ? ZoneOffset.UTC : t.getOffset();
    }

    /** The time, when the text has the shape Go writes and valid fields; null for the formatter to decide. */
    static OffsetDateTime common(String text) {
        int n = text.length();
        if (n < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int i = 19;
        int nano = 0;
        if (text.charAt(i) == '.') {
            int start = ++i;
            while (i < n && i - start < 9 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                nano = nano * 10 + text.charAt(i) - '0';
                i++;
            }
            if (i == start) {
                return null;
            }
            for (int k = i - start; k < 9; k++) {
                nano *= 10;
            }
        }
        ZoneOffset offset;
        if (i == n - 1 && text.charAt(i) == 'Z') {
            offset = ZoneOffset.UTC;
        } else if (i == n - 6 && (text.charAt(i) == '+' || text.charAt(i) == '-') && text.charAt(i + 3) == ':') {
            int hours = digits(text, i + 1, 2);
            int minutes = digits(text, i + 4, 2);
            if ((hours | minutes) < 0) {
                return null;
            }
            try {
                offset = text.charAt(i) == '+' ? ZoneOffset.ofHoursMinutes(hours, minutes)
                        : ZoneOffset.ofHoursMinutes(-hours, -minutes);
            } catch (DateTimeException e) {
                return null;
            }
        } else {
            return null;
        }
        try {
            return OffsetDateTime.of(year, month, day, hour, minute, second, nano, offset);
        } catch (DateTimeException e) {
            return null; // a field out of range: the formatter words the error
        }
    }

    /** The decimal number of {@code count} ASCII digits at {@code from}, or -1 if one is not a digit. */
    private static int digits(String text, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + c - '0';
        }
        return v;
    }
}
