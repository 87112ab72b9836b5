// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeRootTest {
    @TempDir
    Path dir;

    /** Creates empty files named {@code names} in {@code dir}: the root listing looks at names only. */
    static void touch(Path dir, String... names) throws IOException {
        for (String name : names) {
            Files.createFile(dir.resolve(name));
        }
    }

    @Test
    void listsContainersInStateFileNameOrderSkippingOtherFiles() throws IOException {
        touch(dir, "sb2_sandbox:sb2.state", "sa1c_sandbox:sa1.state", "sa1_sandbox:sa1.state", "sa1_sandbox:sa1.lock",
                "runsc-sa1.sock", "metrics.sock", "bad,id_sandbox:sa1.state", "sb10_sandbox:sb10.state");
        assertEquals(List.of(new FullId("sa1", "sa1"), new FullId("sa1", "sa1c"), new FullId("sb10", "sb10"),
                new FullId("sb2", "sb2")), new RuntimeRoot(dir).listContainers());
    }

    @Test
    void listsEachSandboxOnce() throws IOException {
        touch(dir, "sa1_sandbox:sa1.state", "sa1c_sandbox:sa1.state", "sb1_sandbox:sb1.state");
        assertEquals(List.of("sa1", "sb1"), List.copyOf(new RuntimeRoot(dir).listSandboxes()));
    }

    @Test
    void groupsOneListingBySandboxAndCountsListings() throws IOException {
        touch(dir, "sb1_sandbox:sb1.state", "sb1c_sandbox:sb1.state", "sb10_sandbox:sb10.state", "x_sandbox:sb10.state");
        RuntimeRoot root = new RuntimeRoot(dir);
        assertEquals(0, root.listings());
        var groups = RuntimeRoot.bySandbox(root.listContainers());
        assertEquals(List.of("sb1", "sb10"), List.copyOf(groups.keySet()));
        assertEquals(List.of(new FullId("sb1", "sb1"), new FullId("sb1", "sb1c")), groups.get("sb1"));
        assertEquals(List.of(new FullId("sb10", "sb10"), new FullId("sb10", "x")), groups.get("sb10"));
        root.listSandboxes();
        assertEquals(2, root.listings());
    }

    @Test
    void missingRootIsAnErrorForTheStartupCheck() {
        Path gone = dir.resolve("gone");
        IOException e = assertThrows(IOException.class, () -> new RuntimeRoot(gone).listSandboxes());
        assertEquals("cannot list runtime root " + gone + ": java.nio.file.NoSuchFileException: " + gone,
                e.getMessage());
    }

    @Test
    void rootThatIsAFileIsAnErrorForTheStartupCheck() throws IOException {
        touch(dir, "plain");
        Path plain = dir.resolve("plain");
        IOException e = assertThrows(IOException.class, () -> new RuntimeRoot(plain).listContainers());
        assertTrue(e.getMessage().startsWith("cannot list runtime root " + plain + ": "), e.getMessage());
    }

    @Test
    void namesStateAndLockFiles() {
        RuntimeRoot root = new RuntimeRoot(dir);
        FullId id = new FullId("sa1", "sa1c");
        assertEquals(dir.resolve("sa1c_sandbox:sa1.state"), root.stateFile(id));
        assertEquals(dir.resolve("sa1c_sandbox:sa1.lock"), root.lockFile(id));
        assertEquals(dir, root.dir());
    }

    @Test
    void statsStateFilesThroughSymlinks() throws IOException {
        Path target = java.nio.file.Files.writeString(dir.resolve("target"), "{}");
        Files.createSymbolicLink(dir.resolve("sb1_sandbox:sb1.state"), target);
        FileStat stat = new RuntimeRoot(dir).statStateFile(FullId.root("sb1"));
        assertEquals(2, stat.size());
        assertTrue(stat.sufficientlyEqual(FileStat.of(target)));
    }
}
