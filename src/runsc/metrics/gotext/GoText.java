// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.gotext;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TimeZone;

/**
 * The Go text forms the output shares with upstream: numbers ({@code %f} floats, int64
 * decimals), times ({@code time.Time.String()}, {@code time.RFC3339Nano}), maps ({@code %v} of a
 * {@code map[string]string}) and Go's string order (bytewise over UTF-8).
 */
public final class GoText {
    private GoText() {}

    /** {@return {@code value} in decimal; every int64, including the minimum, prints correctly} */
    public static String formatInt(long value) {
        return Long.toString(value);
    }

    /**
     * Formats a float as Go's {@code %f} does: fixed notation with exactly six decimals, rounded
     * half to even from the exact binary value, fully expanded (no exponent), {@code -0.000000} for
     * negative values that round to zero, and {@code NaN}, {@code +Inf}, {@code -Inf}.
     *
     * @param value the value
     * @return the text
     */
    public static String formatFloat(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (Math.rint(value) == value && Math.abs(value) < 0x1p53) {
            // Integral values are common (seconds, counts); they need no BigDecimal.
            String digits = Long.toString((long) value) + ".000000";
            return (long) value == 0 && Double.doubleToRawLongBits(value) < 0 ? "-" + digits : digits;
        }
        long micros = roundedMicros(value);
        if (micros != NOT_SAFE) {
            long whole = Math.abs(micros);
            String fraction = Long.toString(1_000_000 + whole % 1_000_000); // "1" and six digits
            return (value < 0 ? "-" : "") + whole / 1_000_000 + "." + fraction.substring(1);
        }
        String text = new BigDecimal(value).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
        // BigDecimal has no negative zero; Go keeps the sign of the value.
        return value < 0 && text.charAt(0) != '-' ? "-" + text : text;
    }

    /** What {@link #roundedMicros} returns when double arithmetic cannot be trusted to round. */
    public static final long NOT_SAFE = Long.MIN_VALUE;

    /**
     * Returns a finite value rounded to millionths as Go's {@code %f} rounds it (half to even from
     * the exact binary value), as a count of millionths, when double arithmetic gets that right
     * without {@link BigDecimal}; else {@link #NOT_SAFE}. Below 2^52 in magnitude, the product
     * {@code value * 1e6} is off the exact one by at most half its ulp (a quarter at most), so when
     * its fraction is farther than that from a half, no half lies between the two: the exact product
     * rounds to the same integer, and never by a tie. Epoch seconds with a fraction (creation
     * times) are about 2^50.6 millionths, where the ulp is a quarter.
     *
     * @param value the value
     * @return the millionths, without the sign of a negative value that rounds to zero, or {@link #NOT_SAFE}
     */
    public static long roundedMicros(double value) {
        double t = value * 1e6;
        if (!(Math.abs(t) < 0x1p52)) {
            return NOT_SAFE; // too large, or NaN
        }
        double fraction = t - Math.floor(t);
        // The slack covers the rounding of the subtraction for a negative t below one.
        if (Math.abs(fraction - 0.5) <= Math.ulp(t) / 2 + 0x1p-40) {
            return NOT_SAFE;
        }
        return (long) Math.rint(t);
    }

    /**
     * Formats a time as Go's {@code time.Time.String()}:
     * {@code 2023-01-02 03:04:05.678 +0000 UTC}, the fraction trimmed of trailing zeros and left out
     * when zero, followed by {@code  m=+S.NNNNNNNNN} when a monotonic reading is given.
     *
     * <p>The zone abbreviation is {@code UTC} for UTC, the offset again for a bare offset (as Go
     * prints a fixed zone with no name), else the JDK's English short zone name, which agrees with
     * Go's tzdata abbreviations for the common zones, or tzdata's numeric form ({@code +03},
     * {@code +0545}) where the JDK has no name.
     *
     * @param instant the time
     * @param zone the zone to print it in
     * @param monotonicNanos Go's monotonic reading in nanoseconds, if any
     * @return the text
     */
    public static String formatTime(Instant instant, ZoneId zone, OptionalLong monotonicNanos) {
        ZoneOffset offset = zone.getRules().getOffset(instant);
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), offset);
        var sb = new StringBuilder(64);
        if (t.getYear() < 0) {
            sb.append('-');
        }
        appendDateTime(sb, t, ' ');
        sb.append(' ');
        String offsetText = offsetText(offset);
        sb.append(offsetText).append(' ').append(zoneName(zone, offset, offsetText, instant));
        if (monotonicNanos.isPresent()) {
            long m = monotonicNanos.getAsLong();
            sb.append(" m=").append(m < 0 ? '-' : '+');
            long abs = Math.abs(m);
            if (abs < 0) {
                // Long.MIN_VALUE: Go negates the unsigned value.
                sb.append(Long.toUnsignedString(Long.divideUnsigned(m, 1_000_000_000L))).append('.');
                pad(sb, (int) Long.remainderUnsigned(m, 1_000_000_000L), 9);
            } else {
                sb.append(abs / 1_000_000_000L).append('.');
                pad(sb, (int) (abs % 1_000_000_000L), 9);
            }
        }
        return sb.toString();
    }

    /**
     * Formats a label map as Go's {@code %v} of a {@code map[string]string}: {@code map[} + entries
     * {@code key:value} sorted bytewise by key and separated by one space + {@code ]}, nothing
     * quoted or escaped.
     *
     * @param map the map; may be empty
     * @return the text
     */
    public static String formatMap(Map<String, String> map) {
        var keys = new ArrayList<>(map.keySet());
        keys.sort(GoText::compareBytewise);
        var sb = new StringBuilder("map[");
        for (int i = 0; i < keys.size(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(keys.get(i)).append(':').append(map.get(keys.get(i)));
        }
        return sb.append(']').toString();
    }

    /**
     * Compares two strings as Go does: by their UTF-8 bytes as unsigned values, which is Unicode
     * code point order. {@link String#compareTo} differs for characters above U+FFFF against
     * U+E000 to U+FFFF.
     *
     * @param a a string
     * @param b another string
     * @return negative, zero or positive as {@code a} sorts before, equal to or after {@code b}
     */
    public static int compareBytewise(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return codePointOrder(x) - codePointOrder(y);
            }
        }
        return a.length() - b.length();
    }

    /**
     * Maps a UTF-16 unit so that units compare in code point order at the first difference:
     * surrogates (which start characters above U+FFFF) move above U+E000..U+FFFF.
     *
     * @param c a UTF-16 unit
     * @return its rank: at the first unit where two strings differ, the smaller rank sorts first
     */
    public static int codePointOrder(char c) {
        if (c < 0xD800) {
            return c;
        }
        return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }

    private static String offsetText(ZoneOffset offset) {
        int total = offset.getTotalSeconds();
        int abs = Math.abs(total);
        var sb = new StringBuilder(5).append(total < 0 ? '-' : '+');
        pad(sb, abs / 3600, 2);
        pad(sb, abs / 60 % 60, 2);
        return sb.toString();
    }

    private static String zoneName(ZoneId zone, ZoneOffset offset, String offsetText, Instant instant) {
        ZoneId normalized = zone.normalized();
        if (normalized.equals(ZoneOffset.UTC) || zone.getId().equals("UTC") || zone.getId().equals("Etc/UTC")) {
            return "UTC";
        }
        if (normalized instanceof ZoneOffset) {
            return offsetText;
        }
        boolean daylight = zone.getRules().isDaylightSavings(instant);
        var tz = TimeZone.getTimeZone(zone);
        // English names are the ones tzdata uses (CET, EST, IST, JST); where the JDK has none it
        // prints GMT+hh:mm, and tzdata uses a numeric abbreviation such as +03 or +0545.
        String name = tz.getDisplayName(daylight, TimeZone.SHORT, Locale.US);
        if (name.startsWith("GMT") && !name.equals("GMT")) {
            return offset.getTotalSeconds() % 3600 == 0 ? offsetText.substring(0, 3) : offsetText;
        }
        return name;
    }

    /**
     * {@return Go's {@code time.RFC3339Nano} text of {@code when} in UTC, such as
     * {@code 2026-11-25T03:39:12.06372382Z}: up to nine fraction digits without trailing zeros, none
     * when the fraction is zero}
     *
     * @param when an instant in the years 0 to 9999
     */
    public static String formatRfc3339Nano(Instant when) {
        LocalDateTime t = LocalDateTime.ofInstant(when, ZoneOffset.UTC);
        if (t.getYear() < 0 || t.getYear() > 9999) {
            throw new IllegalArgumentException("year outside [0,9999]: " + when);
        }
        StringBuilder sb = new StringBuilder(30);
        appendDateTime(sb, t, 'T');
        return sb.append('Z').toString();
    }

    /** Appends {@code YYYY-MM-DD<sep>hh:mm:ss[.fraction]} (the year without its sign). */
    private static void appendDateTime(StringBuilder sb, LocalDateTime t, char separator) {
        pad(sb, Math.abs(t.getYear()), 4);
        sb.append('-');
        pad(sb, t.getMonthValue(), 2);
        sb.append('-');
        pad(sb, t.getDayOfMonth(), 2);
        sb.append(separator);
        pad(sb, t.getHour(), 2);
        sb.append(':');
        pad(sb, t.getMinute(), 2);
        sb.append(':');
        pad(sb, t.getSecond(), 2);
        appendFraction(sb, t.getNano());
    }

    /** Appends {@code .fraction} with trailing zeros removed, or nothing for zero nanoseconds (Go's rule). */
    private static void appendFraction(StringBuilder sb, int nanos) {
        if (nanos == 0) {
            return;
        }
        int digits = 9;
        while (nanos % 10 == 0) {
            nanos /= 10;
            digits--;
        }
        sb.append('.');
        pad(sb, nanos, digits);
    }

    private static void pad(StringBuilder sb, long value, int width) {
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) {
            sb.append('0');
        }
        sb.append(digits);
    }
}
