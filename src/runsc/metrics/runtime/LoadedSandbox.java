// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.util.List;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * All containers of one sandbox, loaded together, with the values the server derives from them.
 *
 * @param root the root container
 * @param containers every container of the sandbox (the root included), in state-file name order
 */
public record LoadedSandbox(ContainerState root, List<ContainerState> containers) {
    /** Requires the root to be one of the containers. */
    public LoadedSandbox {
        Objects.requireNonNull(root, "root");
        containers = List.copyOf(containers);
        if (!containers.contains(root)) {
            throw new IllegalArgumentException("the root container is not among the containers");
        }
    }

    /**
     * Returns the containers without the sandbox's registration, which a served sandbox no longer
     * needs once its verifier is built (see {@link Sandbox#withoutRegisteredMetrics()}).
     *
     * @return the same containers, each with {@code sandbox.registeredMetrics()} null
     */
    public LoadedSandbox withoutRegisteredMetrics() {
        List<ContainerState> reduced = containers.stream().map(ContainerState::withoutRegisteredMetrics).toList();
        return new LoadedSandbox(reduced.get(containers.indexOf(root)), reduced);
    }

    /**
     * Returns the root container's sandbox object.
     *
     * @return the sandbox
     */
    public Sandbox sandbox() {
        return root.sandbox();
    }

    /**
     * Returns the labels on every series of the sandbox (see {@link SandboxLabels#identity}).
     *
     * @return {@code iteration}, {@code namespace_name}, {@code pod_name}, {@code sandbox}, empty
     *     ones removed, in bytewise key order
     */
    public SequencedMap<String, String> identityLabels() {
        return SandboxLabels.identity(root.sandbox(), root.createdAt());
    }

    /**
     * Returns the capability union over all containers.
     *
     * @return the capabilities in number order
     */
    public List<Capability> capabilities() {
        return Capabilities.union(containers);
    }

    /**
     * Returns the {@code spec_metadata} labels merged over all containers.
     *
     * @return the spec metadata
     */
    public SpecMetadata specMetadata() {
        return SpecMetadata.of(containers);
    }

    /**
     * Returns the root container's creation time in epoch seconds.
     *
     * @return the value of {@code sandbox_creation_time_seconds}
     */
    public double creationTimeSeconds() {
        return SandboxLabels.creationTimeSeconds(root.createdAt());
    }
}
