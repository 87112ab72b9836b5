// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Loads sandboxes from a root directory for the server and the command line, always with
 * try-locks: lock contention anywhere is "retry next cycle", never an error.
 */
public final class SandboxLoader {
    private final StateReader reader;

    /**
     * Creates a loader over a root.
     *
     * @param root the runsc root
     */
    public SandboxLoader(RuntimeRoot root) {
        this.reader = new StateReader(Objects.requireNonNull(root, "root"));
    }

    /**
     * Returns the state reader used.
     *
     * @return the reader
     */
    public StateReader reader() {
        return reader;
    }

    /**
     * Loads a sandbox's root container by its exact state file {@code <sid>_sandbox:<sid>.state}.
     * Its container and sandbox IDs are checked against the file name by the reader, so a loaded
     * root container's ID always equals its sandbox's ID.
     *
     * @param sandboxId the sandbox ID
     * @return loaded, locked, gone, or failed (also when the file holds another container's state)
     */
    public ReadOutcome loadRoot(String sandboxId) {
        return reader.read(FullId.root(sandboxId));
    }

    /**
     * Loads a sandbox from the containers its caller has listed, skipping those that vanished
     * meanwhile, and finds the one root container by spec annotations. The caller lists the root
     * once for every sandbox in it ({@link RuntimeRoot#bySandbox}), not once per sandbox.
     *
     * @param sandboxId  the sandbox ID
     * @param containers the containers of exactly that sandbox ({@code sb1} never includes
     *                   {@code sb10}'s), in state-file name order
     * @return loaded, locked (any container locked), or failed (any container failed, or not
     *     exactly one root)
     * @throws IllegalArgumentException if a container belongs to another sandbox
     */
    public SandboxOutcome loadSandbox(String sandboxId, List<FullId> containers) {
        for (FullId id : containers) {
            if (!id.sandboxId().equals(sandboxId)) {
                throw new IllegalArgumentException("container \"" + id.containerId() + "\" belongs to sandbox \""
                        + id.sandboxId() + "\", not \"" + sandboxId + "\"");
            }
        }
        List<ContainerState> loadedContainers = new ArrayList<>();
        for (FullId id : containers) {
            switch (reader.read(id)) {
                case ReadOutcome.Loaded loaded -> loadedContainers.add(loaded.state());
                case ReadOutcome.Gone gone -> { }
                case ReadOutcome.Locked locked -> {
                    return new SandboxOutcome.Locked();
                }
                case ReadOutcome.Failed failed -> {
                    return new SandboxOutcome.Failed(new IOException("cannot load sandbox \"" + sandboxId
                            + "\", container \"" + id.containerId() + "\": " + failed.error().getMessage(),
                            failed.error()));
                }
            }
        }
        ContainerState root = null;
        for (ContainerState c : loadedContainers) {
            if (!c.isSandboxRoot()) {
                continue;
            }
            if (root != null) {
                return new SandboxOutcome.Failed(new IOException("multiple root containers found for sandbox ID \""
                        + sandboxId + "\": \"" + root.id() + "\" and \"" + c.id() + "\""));
            }
            root = c;
        }
        if (root == null) {
            return new SandboxOutcome.Failed(new IOException("no root container found for sandbox ID \""
                    + sandboxId + "\""));
        }
        return new SandboxOutcome.Loaded(new LoadedSandbox(root, loadedContainers));
    }
}
