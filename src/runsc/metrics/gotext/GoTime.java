// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.gotext;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's time texts: RFC 3339 as Go's JSON encoder writes it, and {@code Time.String()} in UTC.
 */
public final class GoTime {
    /** Go's zero {@code time.Time}: what an absent time decodes to. */
    public static final Instant ZERO = Instant.parse("0001-01-01T00:00:00Z");

    private static final Pattern RFC_3339 = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?(Z|[+-]\\d{2}:\\d{2})");

    private GoTime() {}

    /**
     * Parses an RFC 3339 time with an optional fraction of 1 to 9 digits and an offset of
     * {@code Z} or {@code ±hh:mm}.
     *
     * @param text the time text
     * @return the instant, nanoseconds kept
     * @throws DateTimeException if the text is not such a time or a field is out of range
     */
    public static Instant parseRfc3339(String text) {
        Matcher m = RFC_3339.matcher(text);
        if (!m.matches()) {
            throw new DateTimeException("not an RFC 3339 time (YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm)): \""
                    + text + "\"");
        }
        String fraction = m.group(7) == null ? "" : m.group(7);
        int nanos = fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9));
        LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                Integer.parseInt(m.group(6)), nanos);
        String zone = m.group(8);
        ZoneOffset offset = zone.equals("Z") ? ZoneOffset.UTC : ZoneOffset.of(zone);
        return OffsetDateTime.of(local, offset).toInstant();
    }

    /**
     * Formats an instant the way Go's {@code t.UTC().String()} does:
     * {@code YYYY-MM-DD hh:mm:ss[.fraction] +0000 UTC}, the fraction without trailing zeros and
     * left out when zero.
     *
     * @param instant the time
     * @return e.g. {@code 2026-11-25 03:34:49.899887494 +0000 UTC}
     */
    public static String utcString(Instant instant) {
        return GoText.formatTime(instant, ZoneOffset.UTC, OptionalLong.empty());
    }
}
