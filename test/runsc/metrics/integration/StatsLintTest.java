// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import runsc.metrics.control.ContainerStats;
import runsc.metrics.server.StatsWriter;
import runsc.metrics.testing.Proc;
import runsc.metrics.testing.ProcResult;

/**
 * The resource usage series are this project's own names, so unlike gVisor's they must pass
 * {@code promtool check metrics} with no lint finding at all (exit 0), every optional family
 * included, and so must the server's count of sandboxes with broken stats.
 */
class StatsLintTest {

    @Test
    void everyStatsFamilyPassesPromtoolLint() throws Exception {
        Path promtool = Promtool.assumeInstalled();
        ContainerStats full = new ContainerStats("app", OptionalLong.empty(), Map.of("app", 450_000_000L, "pod", 1L),
                new ContainerStats.Memory(4_476_928, 1 << 30, 8 << 20, 2, 4096), new ContainerStats.Pids(3, 128),
                List.of(new ContainerStats.Interface("eth0", 1, 2, 3, 4, 5, 6, 7, 8),
                        new ContainerStats.Interface("lo", 70_736, 239, 0, 0, 74_082, 239, 0, 0)));
        ContainerStats root = new ContainerStats("pod", OptionalLong.empty(), full.cpuByContainerNanos(),
                new ContainerStats.Memory(0, 0, 0, 0, 0), new ContainerStats.Pids(1, 0), full.network());
        StringBuilder text = new StringBuilder();
        StatsWriter.blockHeader(text);
        StatsWriter.brokenStats("runsc_meta_", 1, text);
        StatsWriter.write("runsc_", List.of(new StatsWriter.SandboxStats("pod",
                Map.of("sandbox", "pod", "iteration", "3mn9hmjm16dyk", "pod_name", "web-0", "namespace_name", "prod"),
                List.of(full, root), OptionalLong.of(1_000_000_000L))), text);
        for (String family : StatsWriter.familyNames()) {
            assertTrue(text.indexOf("# TYPE runsc_" + family + " ") >= 0, family + " missing from\n" + text);
        }
        ProcResult r = Proc.runWithInput(List.of(promtool.toString(), "check", "metrics"),
                text.toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + text);
    }
}
