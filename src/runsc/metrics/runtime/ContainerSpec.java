// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedSet;

/**
 * The parts of a container's OCI runtime spec that the metric server uses.
 *
 * @param ociVersion {@code ociVersion}, empty if absent
 * @param uid {@code process.user.uid}; 0 if the process, the user or the uid is absent
 * @param capabilities the union of the five sets of {@code process.capabilities} (bounding,
 *     effective, inheritable, permitted, ambient), in first-seen order; empty if absent
 * @param annotations {@code annotations}, in file order
 */
public record ContainerSpec(String ociVersion, long uid, SequencedSet<String> capabilities,
        Map<String, String> annotations) {
    /** The containerd annotation naming the container type. */
    public static final String CONTAINERD_TYPE = "io.kubernetes.cri.container-type";
    /** The CRI-O annotation naming the container type; used when the containerd one is absent. */
    public static final String CRIO_TYPE = "io.kubernetes.cri-o.ContainerType";
    /** Annotation that turns on nvproxy. */
    public static final String NVPROXY = "dev.gvisor.internal.nvproxy";
    /** Annotation that turns on tpuproxy. */
    public static final String TPUPROXY = "dev.gvisor.internal.tpuproxy";

    /** The spec of a state file without {@code spec}: no version, uid 0, nothing else. */
    public static final ContainerSpec EMPTY = new ContainerSpec("", 0, new LinkedHashSet<>(), Map.of());

    /** Copies the collections, keeping their order. */
    public ContainerSpec {
        Objects.requireNonNull(ociVersion, "ociVersion");
        capabilities = Collections.unmodifiableSequencedSet(new LinkedHashSet<>(capabilities));
        annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
        if (annotations.containsValue(null) || capabilities.contains(null)) {
            throw new NullPointerException("null annotation value or capability");
        }
    }

    /** The container type named by the spec annotations. */
    public enum ContainerType {
        /** A subcontainer of a pod. */
        CONTAINER,
        /** The pod's sandbox (root) container. */
        SANDBOX,
        /** The annotation holds another value. */
        UNKNOWN,
        /** Neither annotation is present. */
        UNSPECIFIED
    }

    /**
     * Returns the container type: the containerd annotation wins; the CRI-O one is consulted only
     * when the containerd one is absent.
     *
     * @return the type
     */
    public ContainerType containerType() {
        String value = annotations.get(CONTAINERD_TYPE);
        if (value == null) {
            value = annotations.get(CRIO_TYPE);
        }
        if (value == null) {
            return ContainerType.UNSPECIFIED;
        }
        return switch (value) {
            case "container" -> ContainerType.CONTAINER;
            case "sandbox" -> ContainerType.SANDBOX;
            default -> ContainerType.UNKNOWN;
        };
    }

    /**
     * Tells whether the spec describes a sandbox's root container: every type but
     * {@link ContainerType#CONTAINER}.
     *
     * @return whether this is a root container by its annotations
     */
    public boolean isSandboxRoot() {
        return containerType() != ContainerType.CONTAINER;
    }
}
