// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.time.Instant;
import java.util.Objects;

/**
 * One container state file, reduced to what the metric server and {@code export-metrics} use.
 *
 * @param id container ID
 * @param spec the used parts of the OCI spec
 * @param createdAt {@code createdAt}, with nanoseconds; Go's zero time (year 1) if absent
 * @param status {@code status}
 * @param sandbox the sandbox object (a state file without one is rejected when decoded)
 */
public record ContainerState(String id, ContainerSpec spec, Instant createdAt, ContainerStatus status,
        Sandbox sandbox) {
    /** Requires every component. */
    public ContainerState {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(sandbox, "sandbox");
    }

    /**
     * Returns this state without the sandbox's registration (see {@link Sandbox#withoutRegisteredMetrics()}).
     *
     * @return the state with {@code sandbox.registeredMetrics()} null
     */
    public ContainerState withoutRegisteredMetrics() {
        Sandbox reduced = sandbox.withoutRegisteredMetrics();
        return reduced == sandbox ? this : new ContainerState(id, spec, createdAt, status, reduced);
    }

    /**
     * Tells whether this is the root container by ID: {@code id == sandbox.id} (the check when a
     * sandbox's root state file is loaded by its exact name).
     *
     * @return whether the container ID equals the sandbox ID
     */
    public boolean isRootById() {
        return id.equals(sandbox.id());
    }

    /**
     * Tells whether this is the root container by its spec annotations (the check when all
     * containers of a sandbox are loaded).
     *
     * @return {@link ContainerSpec#isSandboxRoot()}
     */
    public boolean isSandboxRoot() {
        return spec.isSandboxRoot();
    }
}
