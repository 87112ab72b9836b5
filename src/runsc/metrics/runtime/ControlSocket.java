// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Where a sandbox's urpc control socket is (newer runsc's rule, harmless with older files). */
public final class ControlSocket {
    private ControlSocket() {}

    /**
     * Finds the control socket: the stored {@code controlSocketPath} if it exists, else
     * {@code <root>/runsc-<sid>.sock} if that exists.
     *
     * @param sandbox the sandbox object of the root container
     * @param root the server's root directory
     * @return the socket path
     * @throws NoSuchFileException "no control socket found for sandbox &lt;sid&gt; (tried ...)" if
     *     neither exists
     */
    public static Path resolve(Sandbox sandbox, Path root) throws IOException {
        String stored = sandbox.controlSocketPath();
        if (!stored.isEmpty()) {
            try {
                Path path = Path.of(stored);
                if (Files.exists(path)) {
                    return path;
                }
            } catch (InvalidPathException unusable) {
                // Falls through to the root-relative name, as a failing access(2) would.
            }
        }
        Path fallback = root.resolve("runsc-" + sandbox.id() + ".sock");
        if (Files.exists(fallback)) {
            return fallback;
        }
        String tried = stored.isEmpty() ? fallback.toString() : stored + " and " + fallback;
        throw new NoSuchFileException("no control socket found for sandbox " + sandbox.id() + " (tried " + tried + ")");
    }
}
