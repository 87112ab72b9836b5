// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.gotext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class GoTextTest {
    static final Instant T = Instant.parse("2023-01-02T03:04:05.678Z");

    @Test
    void formatsFloatsAsGoPercentF() {
        assertEquals("2.500000", GoText.formatFloat(2.5));
        assertEquals("1.000000", GoText.formatFloat(1.0));
        assertEquals("3.000000", GoText.formatFloat(3.0));
        assertEquals("8187.500000", GoText.formatFloat(8187.5));
        assertEquals("0.666667", GoText.formatFloat(0.6666666666666667));
        assertEquals("100000000000000000000.000000", GoText.formatFloat(1e20));
        assertEquals("-123456789012.345673", GoText.formatFloat(-123456789012.345678));
    }

    /** Go's %f of a finite non-integral value, the slow way: the exact binary value rounded half to even. */
    static String exactPercentF(double value) {
        String text = new java.math.BigDecimal(value).setScale(6, java.math.RoundingMode.HALF_EVEN).toPlainString();
        return value < 0 && text.charAt(0) != '-' ? "-" + text : text;
    }

    /** Random values of every magnitude the fast path serves and beyond, and values at and next to ties. */
    static List<Double> awkwardFloats() {
        var random = new java.util.Random(5);
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            double magnitude = Math.pow(10, random.nextInt(22) - 10);
            double v = random.nextDouble() * magnitude * (random.nextBoolean() ? 1 : -1);
            values.add(v);
            long k = random.nextLong(1L << 40);
            double tie = (k + 0.5) / 1e6; // near a tie of the sixth decimal, on either side after rounding
            values.add(tie);
            values.add(Math.nextUp(tie));
            values.add(-Math.nextDown(tie));
            values.add(1.7e9 + random.nextInt(1 << 20) / 1024.0 + random.nextDouble() / 1e3); // epoch seconds
        }
        values.addAll(List.of(4e-7, -4e-7, 5e-7, -5e-7, 6e-7, 0.0000015, 0.0000025, 1125899906.8426245, 0x1p50 / 1e6 + 0.5,
                0x1p52 / 1e6 - 0.0000005, 0x1p51 / 1e6 + 0.00000025, 0x1p51 / 1e6 + 0.0000005, 0x1p51 / 1e6 + 0.00000075, -0.3e-6, -0.5e-6,
                -0x1p50 / 1e6 - 0.25, 0x1p-1074, -0x1p-1074));
        return values;
    }

    @Test
    void theFastRoundingAgreesWithTheExactOne() {
        int fast = 0;
        for (double v : awkwardFloats()) {
            if (Math.rint(v) == v) {
                continue;
            }
            assertEquals(exactPercentF(v), GoText.formatFloat(v), () -> "value " + v);
            fast += GoText.roundedMicros(v) == GoText.NOT_SAFE ? 0 : 1;
        }
        assertTrue(fast > 20_000, "many values take the fast path: " + fast);
        assertEquals(GoText.NOT_SAFE, GoText.roundedMicros(0.0000025), "a tie goes to BigDecimal");
        assertEquals(GoText.NOT_SAFE, GoText.roundedMicros(1e10), "past 2^52 millionths");
        assertTrue(GoText.roundedMicros(1733423605.123456789) != GoText.NOT_SAFE, "epoch seconds take the fast path");
        assertEquals(GoText.NOT_SAFE, GoText.roundedMicros(Double.NaN));
    }

    @Test
    void roundsHalfToEvenFromTheExactBinaryValue() {
        assertEquals("0.007812", GoText.formatFloat(0.0078125));
        assertEquals("0.007813", GoText.formatFloat(0.0078135));
        assertEquals("2.000001", GoText.formatFloat(2.0000005));
    }

    @Test
    void keepsTheSignOfNegativeValuesThatRoundToZero() {
        assertEquals("0.000000", GoText.formatFloat(1e-7));
        assertEquals("-0.000000", GoText.formatFloat(-1e-7));
        assertEquals("-0.000000", GoText.formatFloat(-0.0));
        assertEquals("0.000000", GoText.formatFloat(0.0));
    }

    @Test
    void expandsHugeFloatsFully() {
        String text = GoText.formatFloat(1.5e300);
        assertTrue(text.startsWith("1500000000000000078757140382806630373056702871662238732373781173267703"), text);
        assertTrue(text.endsWith("298189100810240.000000"), text);
        assertEquals(301 + 7, text.length());
        assertEquals("-" + text, GoText.formatFloat(-1.5e300));
        assertEquals(309 + 7, GoText.formatFloat(Double.MAX_VALUE).length());
    }

    @Test
    void writesSpecialFloatsAsPrometheusDoes() {
        assertEquals("NaN", GoText.formatFloat(Double.NaN));
        assertEquals("+Inf", GoText.formatFloat(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", GoText.formatFloat(Double.NEGATIVE_INFINITY));
    }

    @Test
    void formatsEveryInt64() {
        assertEquals("0", GoText.formatInt(0));
        assertEquals("-9223372036854775808", GoText.formatInt(Long.MIN_VALUE));
        assertEquals("9223372036854775807", GoText.formatInt(Long.MAX_VALUE));
        assertEquals("1000000000000000000", GoText.formatInt(1_000_000_000_000_000_000L));
        assertEquals("9000000000000000000", GoText.formatInt(9_000_000_000_000_000_000L));
        assertEquals("-1000000000000000000", GoText.formatInt(-1_000_000_000_000_000_000L));
    }

    @Test
    void formatsTimesAsGoTimeString() {
        assertEquals("2023-01-02 03:04:05.678 +0000 UTC", GoText.formatTime(T, ZoneOffset.UTC, OptionalLong.empty()));
        assertEquals("2026-11-25 03:37:30.734827787 +0000 UTC", GoText.formatTime(
                Instant.parse("2026-11-25T03:37:30.734827787Z"), ZoneOffset.UTC, OptionalLong.empty()));
        assertEquals("2023-01-02 03:04:05 +0000 UTC",
                GoText.formatTime(Instant.parse("2023-01-02T03:04:05Z"), ZoneId.of("UTC"), OptionalLong.empty()));
        assertEquals("2023-01-02 03:04:05.1 +0000 UTC",
                GoText.formatTime(Instant.parse("2023-01-02T03:04:05.100Z"), ZoneId.of("Etc/UTC"), OptionalLong.empty()));
    }

    @Test
    void addsTheMonotonicReadingWhenGiven() {
        assertEquals("2023-01-02 03:04:05.678 +0000 UTC m=+0.001234567",
                GoText.formatTime(T, ZoneOffset.UTC, OptionalLong.of(1_234_567)));
        assertEquals("2023-01-02 03:04:05.678 +0000 UTC m=+12.000000001",
                GoText.formatTime(T, ZoneOffset.UTC, OptionalLong.of(12_000_000_001L)));
        assertEquals("2023-01-02 03:04:05.678 +0000 UTC m=-1.500000000",
                GoText.formatTime(T, ZoneOffset.UTC, OptionalLong.of(-1_500_000_000L)));
    }

    @Test
    void printsZoneOffsetAndAbbreviation() {
        assertEquals("2023-01-02 08:34:05.678 +0530 +0530",
                GoText.formatTime(T, ZoneOffset.ofHoursMinutes(5, 30), OptionalLong.empty()));
        assertEquals("2023-01-02 04:04:05.678 +0100 CET",
                GoText.formatTime(T, ZoneId.of("Europe/Berlin"), OptionalLong.empty()));
        assertEquals("2023-07-02 05:04:05 +0200 CEST", GoText.formatTime(
                Instant.parse("2023-07-02T03:04:05Z"), ZoneId.of("Europe/Berlin"), OptionalLong.empty()));
        assertEquals("2023-01-01 22:04:05.678 -0500 EST",
                GoText.formatTime(T, ZoneId.of("America/New_York"), OptionalLong.empty()));
        assertEquals("2023-01-02 06:04:05.678 +0300 +03",
                GoText.formatTime(T, ZoneId.of("Europe/Istanbul"), OptionalLong.empty()));
    }

    @Test
    void formatsMapsSortedWithoutQuoting() {
        var labels = new LinkedHashMap<String, String>();
        labels.put("sandbox", "sb1");
        labels.put("pod_name", "web-0");
        labels.put("iteration", "3mn9hmjm16dyk");
        labels.put("namespace_name", "prod");
        assertEquals("map[iteration:3mn9hmjm16dyk namespace_name:prod pod_name:web-0 sandbox:sb1]",
                GoText.formatMap(labels));
        assertEquals("map[]", GoText.formatMap(Map.of()));
        assertEquals("map[a:x y\"z]", GoText.formatMap(Map.of("a", "x y\"z")));
    }

    @Test
    void comparesInUtf8ByteOrderNotUtf16Order() {
        String privateUse = "\uE000";
        String emoji = "\uD83D\uDE00";
        assertTrue(privateUse.compareTo(emoji) > 0, "String.compareTo puts the emoji first");
        assertTrue(GoText.compareBytewise(privateUse, emoji) < 0);
        assertTrue(GoText.compareBytewise(emoji, privateUse) > 0);
        assertTrue(GoText.compareBytewise("a", "ab") < 0);
        assertTrue(GoText.compareBytewise("B", "a") < 0);
        assertEquals(0, GoText.compareBytewise("x\uD83D\uDE00", "x\uD83D\uDE00"));
        List<String> words = new ArrayList<>(List.of("\uFFFF", "\uD800\uDC00", "\u00E9", "z", "\uE000"));
        words.sort(GoText::compareBytewise);
        assertEquals(List.of("z", "\u00E9", "\uE000", "\uFFFF", "\uD800\uDC00"), words);
    }
}
