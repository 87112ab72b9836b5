// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class FullIdTest {
    @Test
    void acceptsLettersDigitsUnderscorePlusDotDash() {
        assertTrue(FullId.isValidId("aZ09_+.-"));
        assertTrue(FullId.isValidId("sb1"));
    }

    @Test
    void rejectsEmptyAndOtherCharacters() {
        assertFalse(FullId.isValidId(""));
        for (String bad : new String[] {"a,b", "a:b", "a/b", "a b", "é", "a*", "٣"}) {
            assertFalse(FullId.isValidId(bad), bad);
        }
    }

    @Test
    void constructorNamesTheRule() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FullId("s:b", "c"));
        assertEquals("invalid sandbox ID \"s:b\": must match ^[\\w+\\.-]+$ (ASCII letters, digits, '_', '+', '.', '-')",
                e.getMessage());
    }

    @Test
    void namesFilesAndPrintsAsRunsc() {
        FullId id = new FullId("sa1", "sa1c");
        assertEquals("sa1c_sandbox:sa1.state", id.stateFileName());
        assertEquals("sa1c_sandbox:sa1.lock", id.lockFileName());
        assertEquals("sa1/sa1c", id.toString());
        assertFalse(id.isRoot());
        assertTrue(FullId.root("sa1").isRoot());
    }

    @Test
    void parsesStateFileNames() {
        assertEquals(Optional.of(new FullId("sa1", "sa1c")), StateFileName.parse("sa1c_sandbox:sa1.state"));
        assertEquals(Optional.of(new FullId("s_b", "c_1")), StateFileName.parse("c_1_sandbox:s_b.state"));
        assertEquals(Optional.of(new FullId("sb", "x_sandbox")), StateFileName.parse("x_sandbox_sandbox:sb.state"));
    }

    @Test
    void skipsNamesThatAreNotStateFilesOrCarryInvalidIds() {
        for (String name : new String[] {"sb1_sandbox:sb1.lock", "runsc-sb1.sock", "metrics.sock",
                "sb1_sandbox:sb1.state.tmp", "x.sb1_sandbox:sb1.statex", "_sandbox:sb1.state", "sb1_sandbox:.state",
                "a,b_sandbox:sb1.state", "sb1_sandbox:a,b.state", "a_sandbox:b_sandbox:c.state", "sb1_sandbox:sb1state"}) {
            assertEquals(Optional.empty(), StateFileName.parse(name), name);
        }
    }
}
