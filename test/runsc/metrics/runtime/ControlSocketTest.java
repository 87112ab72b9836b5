// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlSocketTest {
    @TempDir
    Path root;

    private Sandbox sandbox(String socketPath) {
        return SandboxTestValues.sandbox("sb1", "", "", socketPath);
    }

    @Test
    void storedPathWinsWhenItExists() throws IOException {
        Path stored = Files.createFile(root.resolve("elsewhere.sock"));
        Files.createFile(root.resolve("runsc-sb1.sock"));
        assertEquals(stored, ControlSocket.resolve(sandbox(stored.toString()), root));
    }

    @Test
    void fallsBackToTheRootWhenTheStoredPathIsMissing() throws IOException {
        Path fallback = Files.createFile(root.resolve("runsc-sb1.sock"));
        assertEquals(fallback, ControlSocket.resolve(sandbox(root.resolve("gone.sock").toString()), root));
        assertEquals(fallback, ControlSocket.resolve(sandbox(""), root));
    }

    @Test
    void neitherExistingIsAnErrorNamingTheSandbox() {
        String stored = root.resolve("gone.sock").toString();
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> ControlSocket.resolve(sandbox(stored), root));
        assertEquals("no control socket found for sandbox sb1 (tried " + stored + " and " + root.resolve("runsc-sb1.sock") + ")",
                e.getMessage());
        e = assertThrows(NoSuchFileException.class, () -> ControlSocket.resolve(sandbox(""), root));
        assertEquals("no control socket found for sandbox sb1 (tried " + root.resolve("runsc-sb1.sock") + ")", e.getMessage());
    }
}
