// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.regex;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import runsc.metrics.testing.Property;

class Re2PatternProperties {
    private static final String REGEXISH = "()[]{}|*+?^$.\\-:<>=!PpQEdDsSwWxbBAz0123456789,aZ_ ";

    record Case(String pattern, String input) {}

    /** Any text compiles or is rejected with Go's message; no other exception escapes. */
    @Test
    void compilesOrThrowsSyntaxException() {
        Property.forAll(3000, g -> new Case(g.stringOf(REGEXISH, 0, 16), g.anyString(12)), c -> {
            Re2Pattern p;
            try {
                p = Re2Pattern.compile(c.pattern());
            } catch (Re2SyntaxException e) {
                if (!e.getMessage().startsWith("error parsing regexp: ")) {
                    throw new AssertionError("unexpected message " + e.getMessage());
                }
                return;
            }
            p.find(c.input(), Duration.ofSeconds(1));
        });
    }

    @Test
    void arbitraryUnicodeNeverCrashesTheTranslator() {
        Property.forAll(500, g -> g.anyString(20), pattern -> {
            try {
                Re2Pattern.compile(pattern);
            } catch (Re2SyntaxException e) {
                // Rejected like Go would: fine.
            }
        });
    }
}
