// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import runsc.metrics.testing.Property;

class AsciiStringsTest {
    private static String of(String ascii) {
        byte[] b = ("x" + ascii + "y").getBytes(StandardCharsets.US_ASCII);
        int h = 0;
        for (int i = 1; i < b.length - 1; i++) {
            h = AsciiStrings.hash(h, b[i]);
        }
        return AsciiStrings.of(b, 1, b.length - 1, h);
    }

    @Test
    void aRepeatedShortStringIsOneInstance() {
        String first = of("netstack_tcp_current_open");
        assertEquals("netstack_tcp_current_open", first);
        assertSame(first, of("netstack_tcp_current_open"));
    }

    @Test
    void longStringsAreNotCachedButCorrect() {
        String text = "h".repeat(AsciiStrings.MAX_LENGTH + 1);
        assertEquals(text, of(text));
        assertNotSame(of(text), of(text));
    }

    @Test
    void everyStringComesBackEqualWhateverIsInTheCache() {
        // Many distinct strings share slots; each lookup must still give exactly its own bytes.
        Property.forAll(5000, g -> g.stringOf("abAB01_ \"{}", 0, 12), s -> {
            assertEquals(s, of(s));
            assertEquals(s, of(s));
        });
    }
}
