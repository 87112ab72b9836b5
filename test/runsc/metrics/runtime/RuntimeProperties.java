// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class RuntimeProperties {
    @Provide
    Arbitrary<String> ids() {
        return Arbitraries.strings().withChars("abcXYZ019_+.-").ofMinLength(1).ofMaxLength(20);
    }

    @Property
    void stateFileNamesRoundTrip(@ForAll("ids") String sid, @ForAll("ids") String cid) {
        checkRoundTrip(sid, cid);
    }

    @Property
    void parsingAnyNameNeverThrowsAndYieldsOnlyValidIds(@ForAll String name) {
        checkAnyName(name);
    }

    @Property
    void goTimeTextAgreesWithAFormatterAndParsesBack(
            @ForAll @LongRange(min = MIN_SECONDS, max = MAX_SECONDS) long seconds,
            @ForAll @IntRange(min = 0, max = 999_999_999) int nanos) {
        checkGoTime(seconds, nanos);
    }

    /** Years 1 to 9999, the range Go's RFC 3339 and Time.String texts share with Instant's. */
    static final long MIN_SECONDS = -62135596800L;
    static final long MAX_SECONDS = 253402300799L;

    static void checkRoundTrip(String sid, String cid) {
        FullId id = new FullId(sid, cid);
        assertEquals(Optional.of(id), StateFileName.parse(id.stateFileName()));
    }

    static void checkAnyName(String name) {
        StateFileName.parse(name + "_sandbox:x.state").ifPresent(id -> {
            assertEquals(true, FullId.isValidId(id.containerId()));
            assertEquals(name + "_sandbox:x.state", id.stateFileName());
        });
    }

    static void checkGoTime(long seconds, int nanos) {
        Instant t = Instant.ofEpochSecond(seconds, nanos);
        String fraction = nanos == 0 ? "" : ("." + String.format("%09d", nanos)).replaceAll("0+$", "");
        String expected = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC).format(t)
                + fraction + " +0000 UTC";
        assertEquals(expected, GoTime.utcString(t));
        assertEquals(t, GoTime.parseRfc3339(DateTimeFormatter.ISO_INSTANT.format(t)));
    }
}
