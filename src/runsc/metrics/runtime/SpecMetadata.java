// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * The labels of the {@code spec_metadata} meta-metric, merged over all containers of a sandbox.
 *
 * @param hasUid0 whether any container runs as uid 0 (a missing uid counts as 0)
 * @param ociVersion the common {@code ociVersion}, {@value #INCONSISTENT} if they differ,
 *     {@value #UNKNOWN} if there are no containers
 * @param nvproxy whether any container has annotation {@code dev.gvisor.internal.nvproxy=true}
 * @param tpuproxy whether any container has annotation {@code dev.gvisor.internal.tpuproxy=true}
 */
public record SpecMetadata(boolean hasUid0, String ociVersion, boolean nvproxy, boolean tpuproxy) {
    /** {@code ociversion} when there are no containers. */
    public static final String UNKNOWN = "UNKNOWN";
    /** {@code ociversion} when containers disagree. */
    public static final String INCONSISTENT = "INCONSISTENT";

    /** Requires a version text. */
    public SpecMetadata {
        Objects.requireNonNull(ociVersion, "ociVersion");
    }

    /**
     * Merges the specs of a sandbox's containers exactly as upstream does, including its order
     * dependence: the first container's version is taken while the running value is
     * {@value #UNKNOWN}, so a container that literally says {@code UNKNOWN} is overridden by the next.
     *
     * @param containers all containers of the sandbox, possibly none
     * @return the merged metadata
     */
    public static SpecMetadata of(List<ContainerState> containers) {
        boolean uid0 = false;
        String version = UNKNOWN;
        boolean nv = false;
        boolean tpu = false;
        for (ContainerState c : containers) {
            ContainerSpec spec = c.spec();
            uid0 |= spec.uid() == 0;
            if (version.equals(UNKNOWN)) {
                version = spec.ociVersion();
            } else if (!version.equals(spec.ociVersion())) {
                version = INCONSISTENT;
            }
            nv |= "true".equals(spec.annotations().get(ContainerSpec.NVPROXY));
            tpu |= "true".equals(spec.annotations().get(ContainerSpec.TPUPROXY));
        }
        return new SpecMetadata(uid0, version, nv, tpu);
    }

    /**
     * Returns the four labels in bytewise key order; booleans as {@code true}/{@code false}.
     *
     * @return {@code hasuid0}, {@code nvproxy}, {@code ociversion}, {@code tpuproxy}
     */
    public SequencedMap<String, String> labels() {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        out.put("hasuid0", Boolean.toString(hasUid0));
        out.put("nvproxy", Boolean.toString(nvproxy));
        out.put("ociversion", ociVersion);
        out.put("tpuproxy", Boolean.toString(tpuproxy));
        return Collections.unmodifiableSequencedMap(out);
    }
}
