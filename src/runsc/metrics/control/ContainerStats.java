// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * One container's resource usage, as a sandbox answers {@code containerManager.Event} (the call
 * behind {@code runsc events --stats}). Every count is a non-negative int64 (gVisor sends uint64s;
 * larger values are refused by the decoder).
 *
 * <p>CPU comes in one of two shapes. A sandbox that has cgroups mounted inside reports the
 * container's total in {@code cpu.usage.total}; otherwise it leaves that empty and reports its own
 * accounting for every container of the sandbox in {@code containerUsage}, and the runsc CLI scales
 * that by the host cgroup's usage ({@link #cpuNanos(OptionalLong)}). gVisor 20240729 on a host
 * without cgroups inside the sandbox (the usual case) sends the second shape, in 10 ms steps.
 *
 * @param containerId         the container the stats are for ({@code event.id})
 * @param cpuTotalNanos       {@code cpu.usage.total}, if the sandbox sent a non-zero one
 * @param cpuByContainerNanos {@code containerUsage}: sentry CPU time per container ID, sorted by ID
 * @param memory              {@code memory}
 * @param pids                {@code pids}
 * @param network             {@code network_interfaces}, in the sandbox's order; names are unique.
 *                            The network stack is the sandbox's, so every container of a sandbox
 *                            reports the same interfaces and counts
 */
public record ContainerStats(String containerId, OptionalLong cpuTotalNanos, Map<String, Long> cpuByContainerNanos,
                             Memory memory, Pids pids, List<Interface> network) {

    /** Copies the collections and checks that counts are non-negative and interface names unique. */
    public ContainerStats {
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(cpuTotalNanos, "cpuTotalNanos");
        cpuTotalNanos.ifPresent(n -> requireCount("cpu.usage.total", n));
        Map<String, Long> byContainer = new TreeMap<>();
        cpuByContainerNanos.forEach((id, n) -> byContainer.put(Objects.requireNonNull(id, "container ID"),
                requireCount("containerUsage." + id, Objects.requireNonNull(n, "usage"))));
        cpuByContainerNanos = Collections.unmodifiableMap(byContainer);
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(pids, "pids");
        network = List.copyOf(network);
        Set<String> names = new HashSet<>();
        for (Interface i : network) {
            if (!names.add(i.name())) {
                throw new IllegalArgumentException("network interface \"" + i.name() + "\" is listed twice");
            }
        }
    }

    /**
     * The container's CPU time in nanoseconds, computed as {@code runsc events --stats} does
     * (runsc/container/container.go, {@code populateStats}): without {@code containerUsage}, the
     * sandbox's total; with it, this container's share of the host cgroup's usage, split in
     * proportion to the sandbox's own accounting (equally when that is all zero), or the sandbox's
     * accounting alone when the host usage is unknown or zero.
     *
     * @param hostCgroupNanos the sandbox's host cgroup CPU usage ({@code cpuacct.usage}), if known
     * @return the CPU time, in nanoseconds
     */
    public long cpuNanos(OptionalLong hostCgroupNanos) {
        if (cpuByContainerNanos.isEmpty()) {
            return cpuTotalNanos.orElse(0);
        }
        long mine = cpuByContainerNanos.getOrDefault(containerId, 0L);
        long all = 0;
        for (long n : cpuByContainerNanos.values()) {
            all = saturatedAdd(all, n);
        }
        long host = hostCgroupNanos.orElse(0);
        if (host <= 0) {
            return mine;
        }
        if (all == 0) {
            all = host;
            mine = host / cpuByContainerNanos.size();
        }
        // Go converts float64 to uint64 by truncation, as the cast does; floats, as runsc uses them,
        // because the product overflows 64 bits from about 16 s of CPU on.
        return (long) ((double) mine * ((double) host / (double) all));
    }

    /** {@return the sandbox's own CPU accounting for this container, without host cgroup scaling} */
    public long sandboxCpuNanos() {
        return cpuNanos(OptionalLong.empty());
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    static long requireCount(String what, long n) {
        if (n < 0) {
            throw new IllegalArgumentException(what + " is negative: " + n);
        }
        return n;
    }

    /**
     * Memory, from {@code memory}: the {@code usage} entry and the page cache. gVisor 20240729 fills
     * in only {@code usage.usage} (0 for the root container of a multi-container sandbox, whose usage
     * it spreads over the others); the rest is 0 unless a later runsc sends it.
     *
     * @param usageBytes {@code usage.usage}
     * @param limitBytes {@code usage.limit}
     * @param maxBytes   {@code usage.max}
     * @param failcnt    {@code usage.failcnt}
     * @param cacheBytes {@code cache}
     */
    public record Memory(long usageBytes, long limitBytes, long maxBytes, long failcnt, long cacheBytes) {
        /** Checks that every count is non-negative. */
        public Memory {
            requireCount("memory.usage.usage", usageBytes);
            requireCount("memory.usage.limit", limitBytes);
            requireCount("memory.usage.max", maxBytes);
            requireCount("memory.usage.failcnt", failcnt);
            requireCount("memory.cache", cacheBytes);
        }
    }

    /**
     * Processes, from {@code pids}.
     *
     * @param current {@code current}: tasks of the container
     * @param limit   {@code limit}, 0 when the sandbox sends none (gVisor 20240729 never does)
     */
    public record Pids(long current, long limit) {
        /** Checks that both counts are non-negative. */
        public Pids {
            requireCount("pids.current", current);
            requireCount("pids.limit", limit);
        }
    }

    /**
     * One network interface's counters, from an element of {@code network_interfaces} (its members
     * are Go field names: {@code Name}, {@code RxBytes}, ...).
     *
     * @param name      the interface name, such as {@code lo} or {@code eth0}; not empty
     * @param rxBytes   bytes received
     * @param rxPackets packets received
     * @param rxErrors  receive errors
     * @param rxDropped received packets dropped
     * @param txBytes   bytes sent
     * @param txPackets packets sent
     * @param txErrors  send errors
     * @param txDropped packets dropped on sending
     */
    public record Interface(String name, long rxBytes, long rxPackets, long rxErrors, long rxDropped,
                            long txBytes, long txPackets, long txErrors, long txDropped) {
        /** Checks the name and that every count is non-negative. */
        public Interface {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("network interface name is empty");
            }
            requireCount(name + ".RxBytes", rxBytes);
            requireCount(name + ".RxPackets", rxPackets);
            requireCount(name + ".RxErrors", rxErrors);
            requireCount(name + ".RxDropped", rxDropped);
            requireCount(name + ".TxBytes", txBytes);
            requireCount(name + ".TxPackets", txPackets);
            requireCount(name + ".TxErrors", txErrors);
            requireCount(name + ".TxDropped", txDropped);
        }
    }
}
