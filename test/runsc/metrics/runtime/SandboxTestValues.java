// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Small hand-made values for tests that need no state file. */
final class SandboxTestValues {
    private SandboxTestValues() {}

    static Sandbox sandbox(String id, long pid) {
        return new Sandbox(id, "", "", pid, null, Map.of(), "", "", false, false, 0, 0);
    }

    static Sandbox sandbox(String id, String pod, String namespace, String socket) {
        return new Sandbox(id, pod, namespace, 1, null, Map.of(), "", socket, false, false, 0, 0);
    }

    static ContainerState container(String id, String ociVersion, long uid, List<String> caps,
            Map<String, String> annotations) {
        ContainerSpec spec = new ContainerSpec(ociVersion, uid, new LinkedHashSet<>(caps), annotations);
        return new ContainerState(id, spec, Instant.EPOCH, ContainerStatus.RUNNING, sandbox("sb", 1));
    }
}
