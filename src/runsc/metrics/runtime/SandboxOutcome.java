// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.io.IOException;
import java.util.Objects;

/** What loading all containers of a sandbox gave. */
public sealed interface SandboxOutcome {
    /**
     * Every container was read and exactly one root found.
     *
     * @param sandbox the loaded sandbox
     */
    record Loaded(LoadedSandbox sandbox) implements SandboxOutcome {
        /** Requires the sandbox. */
        public Loaded {
            Objects.requireNonNull(sandbox, "sandbox");
        }
    }

    /** At least one container's lock was held: retry the whole sandbox on the next cycle. */
    record Locked() implements SandboxOutcome {}

    /**
     * A container failed to load, or there is not exactly one root container.
     *
     * @param error what went wrong, naming the sandbox
     */
    record Failed(IOException error) implements SandboxOutcome {
        /** Requires the error. */
        public Failed {
            Objects.requireNonNull(error, "error");
        }
    }
}
