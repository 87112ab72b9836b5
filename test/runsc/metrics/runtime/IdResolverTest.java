// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IdResolverTest {
    @TempDir
    Path dir;

    private RuntimeRoot root(String... stateFiles) throws IOException {
        RuntimeRootTest.touch(dir, stateFiles);
        return new RuntimeRoot(dir);
    }

    static Stream<Arguments> ambiguousIds() {
        return Stream.of(
                // Real runsc: loading container: id "sb" is ambiguous and could refer to multiple containers: "sb1/sb1", {"sb2" "sb2"}
                Arguments.of("a prefix of two", List.of("sb1_sandbox:sb1.state", "sb2_sandbox:sb2.state"), "sb",
                        "id \"sb\" is ambiguous and could refer to multiple containers: \"sb1/sb1\", {\"sb2\" \"sb2\"}"),
                // runsc returns at the second match of its name-sorted list, so only two are ever named.
                Arguments.of("three matches name the first two in file name order",
                        List.of("sb3_sandbox:sb3.state", "sb1c_sandbox:sb1.state", "sb2_sandbox:sb2.state"), "sb",
                        "id \"sb\" is ambiguous and could refer to multiple containers: \"sb1/sb1c\", {\"sb2\" \"sb2\"}"),
                // The first file carries an invalid ID and is skipped; the argument is quoted with %q.
                Arguments.of("the argument quoted as Go does",
                        List.of("a\"1_sandbox:x.state", "sb1_sandbox:sb1.state", "sb2_sandbox:sb2.state"), "",
                        "id \"\" is ambiguous and could refer to multiple containers: \"sb1/sb1\", {\"sb2\" \"sb2\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ambiguousIds")
    void ambiguousIdGivesRunscsExactMessage(String name, List<String> stateFiles, String id, String message)
            throws IOException {
        RuntimeRoot root = root(stateFiles.toArray(String[]::new));
        IdResolver.AmbiguousException e = assertThrows(IdResolver.AmbiguousException.class, () -> IdResolver.resolve(root, id));
        assertEquals(message, e.getMessage());
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
}
