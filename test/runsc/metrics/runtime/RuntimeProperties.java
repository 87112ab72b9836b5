// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import runsc.metrics.gotext.GoTime;
import runsc.metrics.testing.Property;

class RuntimeProperties {
    private static final String ID_CHARS = "abcXYZ019_+.-";
    private static final String ANY_CHARS = "abc019_+.-,:/ *é\u0000日";
    /** Years 1 to 9999, the range Go's RFC 3339 and Time.String texts share with Instant's. */
    static final long MIN_SECONDS = -62135596800L;
    static final long MAX_SECONDS = 253402300799L;

    record Ids(String sid, String cid) {}

    @Test
    void stateFileNamesRoundTrip() {
        Property.forAll(g -> new Ids(g.stringOf(ID_CHARS, 1, 20), g.stringOf(ID_CHARS, 1, 20)), ids -> {
            FullId id = new FullId(ids.sid(), ids.cid());
            assertEquals(Optional.of(id), StateFileName.parse(id.stateFileName()));
        });
    }

    @Test
    void parsingAnyNameNeverThrowsAndYieldsOnlyValidIds() {
        Property.forAll(g -> g.oneIn(2) ? g.stringOf(ANY_CHARS, 0, 30) : g.anyString(30), name ->
                StateFileName.parse(name + "_sandbox:x.state").ifPresent(id -> {
                    assertTrue(FullId.isValidId(id.containerId()));
                    assertEquals(name + "_sandbox:x.state", id.stateFileName());
                }));
    }

    /** runsc's pattern, anchored: the reference the hand-written parser must agree with. */
    private static final java.util.regex.Pattern RUNSC_NAME =
            java.util.regex.Pattern.compile("([\\w+,.-]+)_sandbox:([\\w+,.-]+)\\.state");

    @Test
    void theParserAgreesWithRunscsPatternOnAnyName() {
        String parts = ID_CHARS + ",:_ sandbox.state";
        Property.forAll(g -> switch (g.intIn(0, 2)) {
            case 0 -> g.stringOf(parts, 0, 40);
            case 1 -> g.stringOf(ID_CHARS + ",:", 0, 12) + "_sandbox:" + g.stringOf(ID_CHARS + ",:_", 0, 12) + ".state";
            default -> g.anyString(30) + "_sandbox:" + g.anyString(5) + ".state";
        }, name -> {
            var m = RUNSC_NAME.matcher(name);
            Optional<FullId> expected = m.matches() && FullId.isValidId(m.group(1)) && FullId.isValidId(m.group(2))
                    ? Optional.of(new FullId(m.group(2), m.group(1))) : Optional.empty();
            assertEquals(expected, StateFileName.parse(name), name);
        });
    }

    @Test
    void goTimeTextAgreesWithAFormatterAndParsesBack() {
        checkGoTime(Instant.ofEpochSecond(MIN_SECONDS, 0));
        checkGoTime(Instant.ofEpochSecond(MAX_SECONDS, 999_999_999));
        Property.forAll(g -> Instant.ofEpochSecond(g.longIn(MIN_SECONDS, MAX_SECONDS), switch (g.intIn(0, 3)) {
            case 0 -> 0;
            case 1 -> g.intIn(0, 999) * 1_000_000;
            default -> g.intIn(0, 999_999_999);
        }), RuntimeProperties::checkGoTime);
    }

    static void checkGoTime(Instant t) {
        int nanos = t.getNano();
        String fraction = nanos == 0 ? "" : ("." + String.format("%09d", nanos)).replaceAll("0+$", "");
        String expected = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC).format(t)
                + fraction + " +0000 UTC";
        assertEquals(expected, GoTime.utcString(t));
        assertEquals(t, GoTime.parseRfc3339(DateTimeFormatter.ISO_INSTANT.format(t)));
    }
}
