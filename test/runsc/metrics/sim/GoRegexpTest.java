// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GoRegexpTest {
    @Test
    void wordsCompileErrorsAsAGoSandboxDoes() {
        assertEquals("cannot compile regexp \"(\": error parsing regexp: missing closing ): `(`",
                assertThrows(GoRegexp.InvalidRegexp.class, () -> GoRegexp.compile("(")).getMessage());
        assertEquals("cannot compile regexp \"[a\": error parsing regexp: missing closing ]: `[a`",
                assertThrows(GoRegexp.InvalidRegexp.class, () -> GoRegexp.compile("[a")).getMessage());
        assertEquals("cannot compile regexp \"*\": error parsing regexp: missing argument to repetition operator: `*`",
                assertThrows(GoRegexp.InvalidRegexp.class, () -> GoRegexp.compile("*")).getMessage());
    }

    @Test
    void acceptsRe2SyntaxJavaWouldReadDifferently() throws Exception {
        assertTrue(GoRegexp.compile("^fs_[[:alpha:]]+$").test("fs_opens"));
        assertTrue(GoRegexp.compile("(?P<x>opens)").test("fs_opens"));
    }

    @Test
    void matchesUnanchored() throws Exception {
        assertTrue(GoRegexp.compile("opens").test("gofer_opens_host"));
    }
}
