// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import runsc.metrics.control.ContainerStats;

/**
 * {@link CpuHighWater} keeps one entry per container of the current iteration, and a container that
 * misses a read keeps its highest figure.
 */
class CpuHighWaterTest {

    /** A read of the given containers, each with the CPU total given after its ID. */
    private static StatsWriter.SandboxStats read(String iteration, Object... idAndNanos) {
        List<ContainerStats> containers = Arrays.stream(idAndNanos).filter(String.class::isInstance)
                .map(id -> {
                    int i = Arrays.asList(idAndNanos).indexOf(id);
                    return new ContainerStats((String) id, OptionalLong.of((Long) idAndNanos[i + 1]), Map.of(),
                            new ContainerStats.Memory(0, 0, 0, 0, 0), new ContainerStats.Pids(1, 0), List.of());
                }).toList();
        return new StatsWriter.SandboxStats("sb", Map.of("sandbox", "sb", "iteration", iteration), containers,
                OptionalLong.empty());
    }

    private static long cpu(StatsWriter.SandboxStats stats, String container) {
        return stats.cpuNanos(stats.containers().stream().filter(c -> c.containerId().equals(container)).findFirst()
                .orElseThrow());
    }

    @Test
    void oneEntryPerContainerAndAMissedReadKeepsTheHighestFigure() {
        CpuHighWater high = new CpuHighWater();
        for (long n = 1; n <= 5; n++) {
            high.raise(read("i1", "a", 100 * n, "b", 10L));
        }
        assertEquals(2, high.size());
        assertEquals(500, cpu(high.raise(read("i1", "a", 300L)), "a"));
        high.raise(read("i1", "b", 5L));
        assertEquals(500, cpu(high.raise(read("i1", "a", 400L, "b", 1L)), "a"), "a missed a read and is still 500");
        assertEquals(10, cpu(high.raise(read("i1", "a", 400L, "b", 1L)), "b"));
        assertEquals(2, high.size());
    }

    @Test
    void aNewIterationClearsTheEntries() {
        CpuHighWater high = new CpuHighWater();
        high.raise(read("i1", "a", 500L, "b", 500L));
        StatsWriter.SandboxStats fresh = high.raise(read("i2", "a", 7L));
        assertEquals(7, cpu(fresh, "a"));
        assertEquals(1, high.size(), "b's entry belonged to the old iteration");
    }
}
