// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdResolverTest {
    @TempDir
    Path dir;

    private RuntimeRoot root(String... stateFiles) throws IOException {
        for (String name : stateFiles) {
            Files.createFile(dir.resolve(name));
        }
        return new RuntimeRoot(dir);
    }

    @Test
    void ambiguousPrefixGivesRunscsExactMessage() throws IOException {
        // Real runsc: loading container: id "sb" is ambiguous and could refer to multiple containers: "sb1/sb1", {"sb2" "sb2"}
        RuntimeRoot root = root("sb1_sandbox:sb1.state", "sb2_sandbox:sb2.state");
        IdResolver.AmbiguousException e = assertThrows(IdResolver.AmbiguousException.class, () -> IdResolver.resolve(root, "sb"));
        assertEquals("id \"sb\" is ambiguous and could refer to multiple containers: \"sb1/sb1\", {\"sb2\" \"sb2\"}",
                e.getMessage());
    }

    @Test
    void threeOrMoreMatchesNameTheFirstTwoInFileNameOrder() throws IOException {
        // runsc returns at the second match of its name-sorted list, so only two are ever named.
        RuntimeRoot root = root("sb3_sandbox:sb3.state", "sb1c_sandbox:sb1.state", "sb2_sandbox:sb2.state");
        IdResolver.AmbiguousException e = assertThrows(IdResolver.AmbiguousException.class, () -> IdResolver.resolve(root, "sb"));
        assertEquals("id \"sb\" is ambiguous and could refer to multiple containers: \"sb1/sb1c\", {\"sb2\" \"sb2\"}",
                e.getMessage());
    }

    @Test
    void noMatchIsFileDoesNotExist() throws IOException {
        RuntimeRoot root = root("sb1_sandbox:sb1.state");
        assertEquals("file does not exist: no such container \"zzz\" in root \"" + dir + "\"",
                assertThrows(IdResolver.NotFoundException.class, () -> IdResolver.resolve(root, "zzz")).getMessage());
        assertEquals("file does not exist: root directory \"" + dir.resolve("gone") + "\" does not exist",
                assertThrows(IdResolver.NotFoundException.class,
                        () -> IdResolver.resolve(new RuntimeRoot(dir.resolve("gone")), "sb1")).getMessage());
    }

    @Test
    void exactIdWinsOverLongerIdsItPrefixes() throws IOException {
        // Deliberate difference: runsc calls "sa1" ambiguous while "sa1c" exists.
        RuntimeRoot root = root("sa1_sandbox:sa1.state", "sa1c_sandbox:sa1.state");
        assertEquals(new FullId("sa1", "sa1"), IdResolver.resolve(root, "sa1"));
        assertEquals(new FullId("sa1", "sa1c"), IdResolver.resolve(root, "sa1c"));
    }

    @Test
    void uniquePrefixResolvesIncludingSubcontainers() throws IOException {
        RuntimeRoot root = root("sa1_sandbox:sa1.state", "web_sandbox:sa1.state", "sb2_sandbox:sb2.state");
        assertEquals(new FullId("sa1", "web"), IdResolver.resolve(root, "w"));
        assertEquals(new FullId("sb2", "sb2"), IdResolver.resolve(root, "sb"));
    }

    @Test
    void quotesTheArgumentAsGoDoes() throws IOException {
        RuntimeRoot root = root("a\"1_sandbox:x.state", "sb1_sandbox:sb1.state", "sb2_sandbox:sb2.state");
        // The first file carries an invalid ID and is skipped; the argument is quoted with %q.
        IdResolver.AmbiguousException e = assertThrows(IdResolver.AmbiguousException.class, () -> IdResolver.resolve(root, ""));
        assertEquals("id \"\" is ambiguous and could refer to multiple containers: \"sb1/sb1\", {\"sb2\" \"sb2\"}",
                e.getMessage());
    }
}
