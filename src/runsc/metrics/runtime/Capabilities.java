// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.util.ArrayList;
import java.util.List;

/** The capability set of a sandbox: the union over its containers and their five sets. */
public final class Capabilities {
    private Capabilities() {}

    /**
     * Returns every capability that any container lists, by its exact {@code CAP_} name, in any of
     * its bounding, effective, inheritable, permitted or ambient sets.
     *
     * @param containers all containers of the sandbox
     * @return the capabilities in number order, each once
     */
    public static List<Capability> union(List<ContainerState> containers) {
        List<Capability> out = new ArrayList<>();
        for (Capability cap : Capability.values()) {
            String name = cap.specName();
            for (ContainerState c : containers) {
                if (c.spec().capabilities().contains(name)) {
                    out.add(cap);
                    break;
                }
            }
        }
        return List.copyOf(out);
    }
}
