// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DerivedValuesTest {
    private static ContainerState caps(String... names) {
        return SandboxTestValues.container("c", "1.0.0", 0, List.of(names), Map.of());
    }

    @Test
    void capabilityUnionIsInNumberOrderAcrossContainers() {
        List<Capability> union = Capabilities.union(List.of(caps("CAP_NET_BIND_SERVICE", "CAP_KILL"),
                caps("CAP_AUDIT_WRITE", "CAP_CHOWN", "CAP_KILL")));
        assertEquals(List.of(Capability.CHOWN, Capability.KILL, Capability.NET_BIND_SERVICE, Capability.AUDIT_WRITE), union);
    }

    @Test
    void capabilities38To40HaveTheirLinuxNames() {
        assertEquals(38, Capability.PERFMON.ordinal());
        assertEquals(39, Capability.BPF.ordinal());
        assertEquals(40, Capability.CHECKPOINT_RESTORE.ordinal());
        assertEquals(41, Capability.values().length);
        assertEquals(37, Capability.AUDIT_READ.ordinal());
        assertEquals(List.of(Capability.PERFMON, Capability.BPF, Capability.CHECKPOINT_RESTORE),
                Capabilities.union(List.of(caps("CAP_CHECKPOINT_RESTORE", "CAP_BPF", "CAP_PERFMON"))));
        assertEquals("CAP_PERFMON", Capability.PERFMON.specName());
        assertEquals("PERFMON", Capability.PERFMON.trimmedName());
    }

    @Test
    void capabilityNamesMatchExactlyAndCaseSensitively() {
        assertEquals(List.of(), Capabilities.union(List.of(caps("UNKNOWN", "cap_kill", "KILL", "CAP_KILL "))));
        assertEquals(List.of(), Capabilities.union(List.of()));
    }

    private static ContainerState spec(String version, long uid, Map<String, String> annotations) {
        return SandboxTestValues.container("c", version, uid, List.of(), annotations);
    }

    @Test
    void specMetadataOfNoContainersIsUnknown() {
        SpecMetadata none = SpecMetadata.of(List.of());
        assertEquals(new SpecMetadata(false, "UNKNOWN", false, false), none);
        assertEquals(List.of("hasuid0", "nvproxy", "ociversion", "tpuproxy"), List.copyOf(none.labels().keySet()));
        assertEquals(List.of("false", "false", "UNKNOWN", "false"), List.copyOf(none.labels().values()));
    }

    @Test
    void specMetadataMergesVersionsUidsAndProxies() {
        assertEquals(new SpecMetadata(false, "1.0.0", false, false),
                SpecMetadata.of(List.of(spec("1.0.0", 1000, Map.of()), spec("1.0.0", 1, Map.of()))));
        assertEquals(new SpecMetadata(true, "INCONSISTENT", true, true),
                SpecMetadata.of(List.of(spec("1.0.0", 1000, Map.of(ContainerSpec.NVPROXY, "true")),
                        spec("1.1.0", 0, Map.of(ContainerSpec.TPUPROXY, "true")), spec("1.0.0", 5, Map.of()))));
        assertFalse(SpecMetadata.of(List.of(spec("1.0.0", 7, Map.of(ContainerSpec.NVPROXY, "TRUE")))).nvproxy());
        assertEquals("", SpecMetadata.of(List.of(spec("", 7, Map.of()), spec("", 7, Map.of()))).ociVersion());
    }

    @Test
    void specMetadataCopiesUpstreamOrderDependence() {
        // A first container literally saying UNKNOWN does not count as a version.
        assertEquals("1.1.0", SpecMetadata.of(List.of(spec("UNKNOWN", 7, Map.of()), spec("1.1.0", 7, Map.of()))).ociVersion());
    }

    @Test
    void rootContainerRulesFollowTheAnnotations() {
        record Case(Map<String, String> annotations, ContainerSpec.ContainerType type, boolean root) {}
        String cd = ContainerSpec.CONTAINERD_TYPE;
        String crio = ContainerSpec.CRIO_TYPE;
        for (Case c : List.of(
                new Case(Map.of(cd, "container"), ContainerSpec.ContainerType.CONTAINER, false),
                new Case(Map.of(cd, "sandbox"), ContainerSpec.ContainerType.SANDBOX, true),
                new Case(Map.of(cd, "other"), ContainerSpec.ContainerType.UNKNOWN, true),
                new Case(Map.of(crio, "container"), ContainerSpec.ContainerType.CONTAINER, false),
                new Case(Map.of(crio, "sandbox"), ContainerSpec.ContainerType.SANDBOX, true),
                new Case(Map.of(crio, ""), ContainerSpec.ContainerType.UNKNOWN, true),
                new Case(Map.of(cd, "sandbox", crio, "container"), ContainerSpec.ContainerType.SANDBOX, true),
                new Case(Map.of(), ContainerSpec.ContainerType.UNSPECIFIED, true))) {
            ContainerState state = spec("1", 0, c.annotations());
            assertEquals(c.type(), state.spec().containerType(), c.toString());
            assertEquals(c.root(), state.isSandboxRoot(), c.toString());
        }
    }

    @Test
    void metricServerAddressesMatchExactlyAfterSubstitution() {
        assertTrue(MetricServerAddress.matches("%RUNTIME_ROOT%/metrics.sock", "/run/r/metrics.sock", "/run/r"));
        assertTrue(MetricServerAddress.matches("/run/r/metrics.sock", "%RUNTIME_ROOT%/metrics.sock", "/run/r"));
        assertTrue(MetricServerAddress.matches("%RUNTIME_ROOT%:%RUNTIME_ROOT%", "/r:/r", "/r"));
        assertFalse(MetricServerAddress.matches("localhost:9090", "127.0.0.1:9090", "/r"));
        assertFalse(MetricServerAddress.matches("%RUNTIME_ROOT%/metrics.sock", "/run/r/metrics.sock", "/run/r/"));
        assertFalse(MetricServerAddress.matches("", "", "/r"));
        assertFalse(MetricServerAddress.matches("%runtime_root%/m", "/r/m", "/r"));
        assertEquals("/r/a/r", MetricServerAddress.substitute("%RUNTIME_ROOT%/a%RUNTIME_ROOT%", "/r"));
    }
}
