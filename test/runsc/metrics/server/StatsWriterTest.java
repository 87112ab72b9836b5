// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import runsc.metrics.control.ContainerStats;

class StatsWriterTest {
    private static final ContainerStats.Memory NO_MEMORY = new ContainerStats.Memory(0, 0, 0, 0, 0);
    private static final ContainerStats.Interface LO = new ContainerStats.Interface("lo", 70_736, 239, 0, 0, 74_082, 239, 0, 0);

    /** The real pod of the captures: evpod (root, no memory) and evapp, CPU 20 ms and 450 ms by the sentry. */
    private static StatsWriter.SandboxStats pod(OptionalLong host) {
        Map<String, Long> usage = Map.of("evpod", 20_000_000L, "evapp", 450_000_000L);
        return new StatsWriter.SandboxStats("evpod",
                Map.of("sandbox", "evpod", "iteration", "3mn9hmjm16dyk", "pod_name", "web-0", "namespace_name", "prod"),
                List.of(new ContainerStats("evapp", OptionalLong.empty(), usage,
                                new ContainerStats.Memory(4_476_928, 0, 0, 0, 0), new ContainerStats.Pids(1, 0), List.of(LO)),
                        new ContainerStats("evpod", OptionalLong.empty(), usage, NO_MEMORY, new ContainerStats.Pids(1, 0),
                                List.of(LO))),
                host);
    }

    private static String write(String prefix, List<StatsWriter.SandboxStats> sandboxes) {
        StringBuilder out = new StringBuilder();
        StatsWriter.write(prefix, sandboxes, out);
        return out.toString();
    }

    @Test
    void writesThePodsSeriesExactly() {
        String ids = "iteration=\"3mn9hmjm16dyk\",namespace_name=\"prod\",pod_name=\"web-0\",sandbox=\"evpod\"";
        StringBuilder expected = new StringBuilder("""
                # HELP runsc_container_cpu_usage_seconds_total CPU time used by the container, in seconds, as runsc events --stats reports it.
                # TYPE runsc_container_cpu_usage_seconds_total counter
                runsc_container_cpu_usage_seconds_total{container="evapp",IDS} 1.125
                runsc_container_cpu_usage_seconds_total{container="evpod",IDS} 0.05

                # HELP runsc_container_memory_usage_bytes Memory used by the container, in bytes (gVisor reports the sandbox's usage spread over its non-root containers).
                # TYPE runsc_container_memory_usage_bytes gauge
                runsc_container_memory_usage_bytes{container="evapp",IDS} 4476928
                runsc_container_memory_usage_bytes{container="evpod",IDS} 0

                # HELP runsc_container_pids_current Tasks (threads) in the container now.
                # TYPE runsc_container_pids_current gauge
                runsc_container_pids_current{container="evapp",IDS} 1
                runsc_container_pids_current{container="evpod",IDS} 1

                """);
        for (String[] f : new String[][] {
                {"receive_bytes", "Bytes received on", "70736"}, {"receive_packets", "Packets received on", "239"},
                {"receive_errors", "Receive errors on", "0"}, {"receive_packets_dropped", "Received packets dropped on", "0"},
                {"transmit_bytes", "Bytes sent on", "74082"}, {"transmit_packets", "Packets sent on", "239"},
                {"transmit_errors", "Send errors on", "0"},
                {"transmit_packets_dropped", "Packets dropped on sending on", "0"}}) {
            String name = "runsc_sandbox_network_" + f[0] + "_total";
            expected.append("# HELP ").append(name).append(' ').append(f[1]).append(" the sandbox's network interface.\n")
                    .append("# TYPE ").append(name).append(" counter\n")
                    .append(name).append("{interface=\"lo\",IDS} ").append(f[2]).append("\n\n");
        }
        // 1.125 s = 450/470 of the host cgroup's 1.175 s (as runsc scales it); the root container has the rest.
        assertEquals(expected.toString().replace("IDS", ids), write("runsc_", List.of(pod(OptionalLong.of(1_175_000_000L)))));
    }

    @Test
    void withoutAHostCgroupCpuIsTheSandboxsAccounting() {
        String text = write("", List.of(pod(OptionalLong.empty())));
        assertTrue(text.contains("\ncontainer_cpu_usage_seconds_total{container=\"evapp\",iteration=\"3mn9hmjm16dyk\","
                + "namespace_name=\"prod\",pod_name=\"web-0\",sandbox=\"evpod\"} 0.45\n"), text);
        assertTrue(text.contains("{container=\"evpod\",iteration=\"3mn9hmjm16dyk\",namespace_name=\"prod\","
                + "pod_name=\"web-0\",sandbox=\"evpod\"} 0.02\n"), text);
    }

    @Test
    void nonZeroLimitsAndFailuresGetTheirSeriesAndZeroOnesNone() {
        ContainerStats limited = new ContainerStats("c", OptionalLong.of(2_000_000_000L), Map.of(),
                new ContainerStats.Memory(10, 100, 50, 3, 7), new ContainerStats.Pids(4, 64), List.of());
        String text = write("x_", List.of(new StatsWriter.SandboxStats("c", Map.of("sandbox", "c"), List.of(limited),
                OptionalLong.empty())));
        assertTrue(text.contains("x_container_cpu_usage_seconds_total{container=\"c\",sandbox=\"c\"} 2\n"), text);
        assertTrue(text.contains("x_container_memory_max_usage_bytes{container=\"c\",sandbox=\"c\"} 50\n"), text);
        assertTrue(text.contains("x_container_memory_limit_bytes{container=\"c\",sandbox=\"c\"} 100\n"), text);
        assertTrue(text.contains("x_container_memory_cache_bytes{container=\"c\",sandbox=\"c\"} 7\n"), text);
        assertTrue(text.contains("# TYPE x_container_memory_failcnt_total counter\n"
                + "x_container_memory_failcnt_total{container=\"c\",sandbox=\"c\"} 3\n"), text);
        assertTrue(text.contains("x_container_pids_limit{container=\"c\",sandbox=\"c\"} 64\n"), text);
        assertTrue(!text.contains("sandbox_network"), "no interfaces, no network families: " + text);
        String zero = write("x_", List.of(pod(OptionalLong.empty())));
        for (String absent : List.of("max_usage", "limit_bytes", "cache", "failcnt", "pids_limit")) {
            assertTrue(!zero.contains(absent), absent + " in " + zero);
        }
    }

    @Test
    void sandboxesAreSortedByIdAndLabelValuesEscaped() {
        ContainerStats a = new ContainerStats("a", OptionalLong.empty(), Map.of(), NO_MEMORY, new ContainerStats.Pids(1, 0), List.of());
        ContainerStats b = new ContainerStats("b", OptionalLong.empty(), Map.of(), NO_MEMORY, new ContainerStats.Pids(2, 0), List.of());
        String text = write("", List.of(
                new StatsWriter.SandboxStats("b", Map.of("sandbox", "b", "pod_name", "q\"\\\n"), List.of(b), OptionalLong.empty()),
                new StatsWriter.SandboxStats("a", Map.of("sandbox", "a"), List.of(a), OptionalLong.empty())));
        assertTrue(text.contains("container_pids_current{container=\"a\",sandbox=\"a\"} 1\n"
                + "container_pids_current{container=\"b\",pod_name=\"q\\\"\\\\\\n\",sandbox=\"b\"} 2\n"), text);
    }

    @Test
    void writesOpenMetricsFamiliesWithUnitsAndNoBlankLines() {
        StringBuilder out = new StringBuilder();
        StatsWriter.brokenStats("runsc_meta_", 1, out, true);
        StatsWriter.write("runsc_", List.of(pod(OptionalLong.of(1_175_000_000L))), out, true);
        String text = out.toString();
        String ids = "iteration=\"3mn9hmjm16dyk\",namespace_name=\"prod\",pod_name=\"web-0\",sandbox=\"evpod\"";
        assertTrue(text.startsWith("""
                # HELP runsc_meta_num_sandboxes_broken_stats Number of sandboxes whose resource usage could not be read in full in this scrape.
                # TYPE runsc_meta_num_sandboxes_broken_stats gauge
                runsc_meta_num_sandboxes_broken_stats 1
                # HELP runsc_container_cpu_usage_seconds CPU time used by the container, in seconds, as runsc events --stats reports it.
                # TYPE runsc_container_cpu_usage_seconds counter
                # UNIT runsc_container_cpu_usage_seconds seconds
                runsc_container_cpu_usage_seconds_total{container="evapp",IDS} 1.125
                runsc_container_cpu_usage_seconds_total{container="evpod",IDS} 0.05
                # HELP runsc_container_memory_usage_bytes Memory used by the container, in bytes (gVisor reports the sandbox's usage spread over its non-root containers).
                # TYPE runsc_container_memory_usage_bytes gauge
                # UNIT runsc_container_memory_usage_bytes bytes
                """.replace("IDS", ids)), text);
        assertTrue(text.contains("""
                # TYPE runsc_container_pids_current gauge
                runsc_container_pids_current{container="evapp",IDS} 1
                """.replace("IDS", ids)), text);
        assertTrue(text.contains("""
                # HELP runsc_sandbox_network_receive_bytes Bytes received on the sandbox's network interface.
                # TYPE runsc_sandbox_network_receive_bytes counter
                # UNIT runsc_sandbox_network_receive_bytes bytes
                runsc_sandbox_network_receive_bytes_total{interface="lo",IDS} 70736
                # HELP runsc_sandbox_network_receive_packets Packets received on the sandbox's network interface.
                # TYPE runsc_sandbox_network_receive_packets counter
                runsc_sandbox_network_receive_packets_total{interface="lo",IDS} 239
                """.replace("IDS", ids)), text);
        assertTrue(!text.contains("\n\n") && text.endsWith("\n"), text);
    }

    @Test
    void nothingToWriteWritesNothing() {
        assertEquals("", write("runsc_", List.of()));
    }

    @Test
    void badPrefixesAndLabelNamesAreRefused() {
        assertEquals("exporter prefix \"9x\" is not a valid metric name prefix",
                assertThrows(IllegalArgumentException.class, () -> write("9x", List.of())).getMessage());
        assertEquals("sandbox s: label name \"container\" is not a valid identity label",
                assertThrows(IllegalArgumentException.class, () -> new StatsWriter.SandboxStats("s",
                        Map.of("container", "x"), List.of(), OptionalLong.empty())).getMessage());
    }

    @Test
    void secondsAreExact() {
        assertEquals("0", StatsWriter.seconds(0));
        assertEquals("0.000000001", StatsWriter.seconds(1));
        assertEquals("0.391207795", StatsWriter.seconds(391_207_795L));
        assertEquals("9223372036.854775807", StatsWriter.seconds(Long.MAX_VALUE));
    }
}
