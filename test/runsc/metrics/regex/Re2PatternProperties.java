// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.regex;

import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

class Re2PatternProperties {
    @Provide
    Arbitrary<String> regexish() {
        return Arbitraries.strings().withChars("()[]{}|*+?^$.\\-:<>=!PpQEdDsSwWxbBAz0123456789,aZ_ ")
                .ofMaxLength(16);
    }

    /** Any text compiles or is rejected with Go's message; no other exception escapes. */
    @Property(tries = 3000)
    void compilesOrThrowsSyntaxException(@ForAll("regexish") String pattern, @ForAll @StringLength(max = 12) String input)
            throws RegexMatchLimitException {
        Re2Pattern p;
        try {
            p = Re2Pattern.compile(pattern);
        } catch (Re2SyntaxException e) {
            if (!e.getMessage().startsWith("error parsing regexp: ")) {
                throw new AssertionError("unexpected message " + e.getMessage());
            }
            return;
        }
        p.find(input, Duration.ofSeconds(1));
    }

    @Property(tries = 500)
    void arbitraryUnicodeNeverCrashesTheTranslator(@ForAll @StringLength(max = 20) String pattern) {
        try {
            Re2Pattern.compile(pattern);
        } catch (Re2SyntaxException e) {
            // Rejected like Go would: fine.
        }
    }
}
