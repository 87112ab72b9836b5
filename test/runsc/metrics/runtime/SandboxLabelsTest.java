// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import runsc.metrics.gotext.GoTime;

class SandboxLabelsTest {
    @Test
    void iterationMatchesRealRunsc() {
        assertEquals("3mn9hmjm16dyk", SandboxLabels.iteration("sb1", Instant.parse("2026-11-25T03:34:49.899887494Z")));
        assertEquals("pbdxeku8r423", SandboxLabels.iteration("sb2", Instant.parse("2026-11-25T03:34:50.203791079Z")));
    }

    @Test
    void iterationDependsOnTheInstantNotItsOffset() {
        assertEquals("3mn9hmjm16dyk", SandboxLabels.iteration("sb1", GoTime.parseRfc3339("2026-11-25T04:34:49.899887494+01:00")));
    }

    @Test
    void identityLabelsAreSortedWithEmptyOnesRemoved() {
        Instant created = Instant.parse("2026-11-25T03:34:49.899887494Z");
        Map<String, String> full = SandboxLabels.identity(SandboxTestValues.sandbox("sb1", "web-0", "prod", ""), created);
        assertEquals(List.of("iteration", "namespace_name", "pod_name", "sandbox"), List.copyOf(full.keySet()));
        assertEquals(List.of("3mn9hmjm16dyk", "prod", "web-0", "sb1"), List.copyOf(full.values()));
        Map<String, String> bare = SandboxLabels.identity(SandboxTestValues.sandbox("sb1", "", "", ""), created);
        assertEquals(List.of("iteration", "sandbox"), List.copyOf(bare.keySet()));
    }

    @Test
    void initialLabelsAreJustTheSandbox() {
        assertEquals(Map.of("sandbox", "sb9"), SandboxLabels.initial("sb9"));
    }

    @Test
    void creationTimeIsSecondsPlusNanosOverOneBillion() {
        Instant created = Instant.parse("2026-11-25T03:34:49.899887494Z");
        assertEquals(1795577689.0 + 899887494 / 1e9, SandboxLabels.creationTimeSeconds(created));
        assertEquals(1795577689.899887494, SandboxLabels.creationTimeSeconds(created), 1e-6);
        assertEquals(0.0, SandboxLabels.creationTimeSeconds(Instant.EPOCH));
    }
}
