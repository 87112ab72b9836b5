// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;
import runsc.metrics.control.ContainerStats;

/**
 * Writes per-sandbox resource usage ({@link ContainerStats} from {@code containerManager.Event}) as
 * Prometheus text, under the exporter prefix. These names are this project's own, not gVisor's, so
 * they follow Prometheus conventions (base units, {@code _total} on counters) and pass
 * {@code promtool check metrics}:
 *
 * <pre>
 * PREFIX container_cpu_usage_seconds_total     counter  {ids, container}
 * PREFIX container_memory_usage_bytes          gauge    {ids, container}
 * PREFIX container_memory_max_usage_bytes      gauge    {ids, container}   when non-zero
 * PREFIX container_memory_limit_bytes          gauge    {ids, container}   when non-zero
 * PREFIX container_memory_cache_bytes          gauge    {ids, container}   when non-zero
 * PREFIX container_memory_failcnt_total        counter  {ids, container}   when non-zero
 * PREFIX container_pids_current                gauge    {ids, container}
 * PREFIX container_pids_limit                  gauge    {ids, container}   when non-zero
 * PREFIX sandbox_network_{receive,transmit}_{bytes,packets,errors,packets_dropped}_total
 *                                              counter  {ids, interface}
 * </pre>
 *
 * where {@code ids} are the sandbox's identity labels ({@code sandbox}, {@code iteration},
 * {@code pod_name}, {@code namespace_name}). Network counters belong to the sandbox, not to a
 * container: gVisor has one network stack per sandbox and reports the same interfaces to every
 * container, so they are written once per sandbox, from its root container (the one whose ID is
 * the sandbox ID) or else its first. Families come in the order above, each with HELP and TYPE once;
 * within a family, lines are sorted by sandbox ID, then container ID or interface name; labels are
 * sorted by name. CPU seconds are written exactly (nanoseconds as a decimal fraction); there are no
 * timestamps, so Prometheus stamps the samples with the scrape time.
 *
 * <p>In OpenMetrics ({@code openMetrics} true) the sample lines are the same; a counter's family is
 * its name without {@code _total}, a family whose name ends in {@code _seconds} or {@code _bytes}
 * gets that {@code # UNIT}, and there are no blank lines and no block comment.
 */
public final class StatsWriter {
    /** A valid Prometheus metric name prefix (may be empty). */
    private static final Pattern PREFIX = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)?");
    /** The name, after the server's meta prefix, of its count of sandboxes with failed stats calls. */
    public static final String BROKEN_STATS = "num_sandboxes_broken_stats";
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /**
     * One sandbox's stats.
     *
     * @param sandboxId     the sandbox ID (also its root container's ID)
     * @param labels        its identity labels, {@code sandbox} included; neither {@code container}
     *                      nor {@code interface}
     * @param containers    the stats of each container that answered
     * @param hostCpuNanos  its host cgroup CPU time ({@code HostCgroupCpu}), if known, to scale the
     *                      sandbox's own CPU accounting as {@code runsc events --stats} does
     * @param cpuFloorNanos per container ID, the least CPU time to write: the metric server's highest
     *                      figure of that series so far, so that the counter never falls (empty for a
     *                      single read, as {@code export-metrics} makes)
     */
    public record SandboxStats(String sandboxId, Map<String, String> labels, List<ContainerStats> containers,
                               OptionalLong hostCpuNanos, Map<String, Long> cpuFloorNanos) {
        /** Copies the collections and checks the label names. */
        public SandboxStats {
            Objects.requireNonNull(sandboxId, "sandboxId");
            labels = Map.copyOf(labels);
            for (String name : labels.keySet()) {
                if (!LABEL_NAME.matcher(name).matches() || name.equals("container") || name.equals("interface")) {
                    throw new IllegalArgumentException("sandbox " + sandboxId + ": label name \"" + name
                            + "\" is not a valid identity label");
                }
            }
            containers = List.copyOf(containers);
            Objects.requireNonNull(hostCpuNanos, "hostCpuNanos");
            cpuFloorNanos = Map.copyOf(cpuFloorNanos);
        }

        /**
         * One read's stats, each container's CPU written as read.
         *
         * @param sandboxId    the sandbox ID
         * @param labels       its identity labels
         * @param containers   the stats of each container that answered
         * @param hostCpuNanos its host cgroup CPU time, if known
         */
        public SandboxStats(String sandboxId, Map<String, String> labels, List<ContainerStats> containers,
                            OptionalLong hostCpuNanos) {
            this(sandboxId, labels, containers, hostCpuNanos, Map.of());
        }

        /**
         * {@return the CPU time to write for one of these containers, in nanoseconds: its figure as
         * {@code runsc events --stats} computes it, or its floor if that is higher}
         *
         * @param container one of {@link #containers()}
         */
        public long cpuNanos(ContainerStats container) {
            return Math.max(container.cpuNanos(hostCpuNanos), cpuFloorNanos.getOrDefault(container.containerId(), 0L));
        }

        /**
         * {@return these stats with other CPU floors}
         *
         * @param floors per container ID, the least CPU time to write
         */
        public SandboxStats withCpuFloor(Map<String, Long> floors) {
            return new SandboxStats(sandboxId, labels, containers, hostCpuNanos, floors);
        }
    }

    /** One metric family over containers. */
    private record ContainerFamily(String name, String type, String help, boolean onlyNonZero,
                                   ContainerValue value) { }

    /** A container's value in a family; the sandbox's stats give its CPU scaling and floor. */
    @FunctionalInterface
    private interface ContainerValue {
        String of(ContainerStats stats, SandboxStats sandbox);
    }

    private record NetworkFamily(String name, String help, ToLongFunction<ContainerStats.Interface> value) { }

    private static final List<ContainerFamily> CONTAINER_FAMILIES = List.of(
            new ContainerFamily("container_cpu_usage_seconds_total", "counter",
                    "CPU time used by the container, in seconds, as runsc events --stats reports it.", false,
                    (s, sandbox) -> seconds(sandbox.cpuNanos(s))),
            new ContainerFamily("container_memory_usage_bytes", "gauge",
                    "Memory used by the container, in bytes (gVisor reports the sandbox's usage spread over its"
                            + " non-root containers).", false, (s, sandbox) -> Long.toString(s.memory().usageBytes())),
            new ContainerFamily("container_memory_max_usage_bytes", "gauge",
                    "Highest memory use of the container recorded, in bytes.", true,
                    (s, sandbox) -> Long.toString(s.memory().maxBytes())),
            new ContainerFamily("container_memory_limit_bytes", "gauge",
                    "Memory limit of the container, in bytes.", true, (s, sandbox) -> Long.toString(s.memory().limitBytes())),
            new ContainerFamily("container_memory_cache_bytes", "gauge",
                    "Page cache memory of the container, in bytes.", true,
                    (s, sandbox) -> Long.toString(s.memory().cacheBytes())),
            new ContainerFamily("container_memory_failcnt_total", "counter",
                    "Times the container's memory use reached its limit.", true,
                    (s, sandbox) -> Long.toString(s.memory().failcnt())),
            new ContainerFamily("container_pids_current", "gauge",
                    "Tasks (threads) in the container now.", false, (s, sandbox) -> Long.toString(s.pids().current())),
            new ContainerFamily("container_pids_limit", "gauge",
                    "Largest number of tasks the container may have.", true, (s, sandbox) -> Long.toString(s.pids().limit())));

    private static final List<NetworkFamily> NETWORK_FAMILIES = List.of(
            new NetworkFamily("sandbox_network_receive_bytes_total", "Bytes received on the sandbox's network interface.",
                    ContainerStats.Interface::rxBytes),
            new NetworkFamily("sandbox_network_receive_packets_total", "Packets received on the sandbox's network interface.",
                    ContainerStats.Interface::rxPackets),
            new NetworkFamily("sandbox_network_receive_errors_total", "Receive errors on the sandbox's network interface.",
                    ContainerStats.Interface::rxErrors),
            new NetworkFamily("sandbox_network_receive_packets_dropped_total",
                    "Received packets dropped on the sandbox's network interface.", ContainerStats.Interface::rxDropped),
            new NetworkFamily("sandbox_network_transmit_bytes_total", "Bytes sent on the sandbox's network interface.",
                    ContainerStats.Interface::txBytes),
            new NetworkFamily("sandbox_network_transmit_packets_total", "Packets sent on the sandbox's network interface.",
                    ContainerStats.Interface::txPackets),
            new NetworkFamily("sandbox_network_transmit_errors_total", "Send errors on the sandbox's network interface.",
                    ContainerStats.Interface::txErrors),
            new NetworkFamily("sandbox_network_transmit_packets_dropped_total",
                    "Packets dropped on sending on the sandbox's network interface.", ContainerStats.Interface::txDropped));

    private StatsWriter() {}

    /** {@return the metric names written, without prefix, in output order} */
    public static List<String> familyNames() {
        List<String> names = new ArrayList<>();
        CONTAINER_FAMILIES.forEach(f -> names.add(f.name()));
        NETWORK_FAMILIES.forEach(f -> names.add(f.name()));
        return names;
    }

    /**
     * Appends the series of these sandboxes. A family with no line (every value zero where zeros
     * are left out, or no sandboxes) is left out entirely, HELP and TYPE included.
     *
     * @param prefix    the exporter prefix, such as {@code runsc_}
     * @param sandboxes the sandboxes, in any order
     * @param out       where the text goes
     * @throws IllegalArgumentException if the prefix is not a metric name prefix
     */
    public static void write(String prefix, List<SandboxStats> sandboxes, StringBuilder out) {
        write(prefix, sandboxes, out, false);
    }

    /**
     * Appends the series of these sandboxes in the text format or in OpenMetrics.
     *
     * @param prefix      the exporter prefix, such as {@code runsc_}
     * @param sandboxes   the sandboxes, in any order
     * @param out         where the text goes
     * @param openMetrics whether to write OpenMetrics families
     * @throws IllegalArgumentException if the prefix is not a metric name prefix
     */
    public static void write(String prefix, List<SandboxStats> sandboxes, StringBuilder out, boolean openMetrics) {
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("exporter prefix \"" + prefix + "\" is not a valid metric name prefix");
        }
        List<SandboxStats> sorted = sandboxes.stream().sorted(Comparator.comparing(SandboxStats::sandboxId)).toList();
        for (ContainerFamily family : CONTAINER_FAMILIES) {
            StringBuilder lines = new StringBuilder();
            for (SandboxStats sandbox : sorted) {
                List<ContainerStats> containers = sandbox.containers().stream()
                        .sorted(Comparator.comparing(ContainerStats::containerId)).toList();
                for (ContainerStats c : containers) {
                    String value = family.value().of(c, sandbox);
                    if (family.onlyNonZero() && value.equals("0")) {
                        continue;
                    }
                    line(lines, prefix + family.name(), sandbox.labels(), "container", c.containerId(), value);
                }
            }
            family(out, prefix + family.name(), family.type(), family.help(), lines, openMetrics);
        }
        for (NetworkFamily family : NETWORK_FAMILIES) {
            StringBuilder lines = new StringBuilder();
            for (SandboxStats sandbox : sorted) {
                List<ContainerStats.Interface> interfaces = networkOf(sandbox).stream()
                        .sorted(Comparator.comparing(ContainerStats.Interface::name)).toList();
                for (ContainerStats.Interface i : interfaces) {
                    line(lines, prefix + family.name(), sandbox.labels(), "interface", i.name(),
                            Long.toString(family.value().applyAsLong(i)));
                }
            }
            family(out, prefix + family.name(), "counter", family.help(), lines, openMetrics);
        }
    }

    /**
     * Appends the opening comment of a block of these series, written after the sandboxes' data
     * and before the exposition's {@code # End of metric data.} line (which stays last, so that a
     * reader can still tell a complete body from a cut one).
     *
     * @param out where the text goes
     */
    public static void blockHeader(StringBuilder out) {
        out.append("\n# Resource usage from containerManager.Event (--resource-stats), as runsc events --stats reads it.\n");
    }

    /**
     * Ends a block: its last family's blank line goes, because the end marker brings its own.
     *
     * @param block the block's text
     * @return the text to write before the end marker
     */
    public static String trailer(StringBuilder block) {
        int n = block.length();
        return n >= 2 && block.charAt(n - 1) == '\n' && block.charAt(n - 2) == '\n' ? block.substring(0, n - 1)
                : block.toString();
    }

    /**
     * Appends the server's count of sandboxes whose stats calls failed in this scrape (a sandbox
     * with a verified snapshot and a failed {@code containerManager.Event}; its metric data stays).
     *
     * @param metaPrefix the prefix of the server's own metrics, such as {@code runsc_meta_}
     * @param broken     how many sandboxes
     * @param out        where the text goes
     */
    public static void brokenStats(String metaPrefix, int broken, StringBuilder out) {
        brokenStats(metaPrefix, broken, out, false);
    }

    /**
     * Appends the server's count of sandboxes whose stats calls failed, in the text format or in OpenMetrics.
     *
     * @param metaPrefix  the prefix of the server's own metrics, such as {@code runsc_meta_}
     * @param broken      how many sandboxes
     * @param out         where the text goes
     * @param openMetrics whether to write an OpenMetrics family
     */
    public static void brokenStats(String metaPrefix, int broken, StringBuilder out, boolean openMetrics) {
        if (!PREFIX.matcher(metaPrefix).matches()) {
            throw new IllegalArgumentException("prefix \"" + metaPrefix + "\" is not a valid metric name prefix");
        }
        String name = metaPrefix + BROKEN_STATS;
        family(out, name, "gauge", "Number of sandboxes whose resource usage could not be read in full in this scrape.",
                name + " " + broken + "\n", openMetrics);
    }

    private static List<ContainerStats.Interface> networkOf(SandboxStats sandbox) {
        return sandbox.containers().stream().filter(c -> c.containerId().equals(sandbox.sandboxId())).findFirst()
                .or(() -> sandbox.containers().stream().findFirst())
                .map(ContainerStats::network).orElse(List.of());
    }

    private static void family(StringBuilder out, String name, String type, String help, CharSequence lines,
                               boolean openMetrics) {
        if (lines.isEmpty()) {
            return;
        }
        if (!openMetrics) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
            out.append(lines).append('\n');
            return;
        }
        String family = type.equals("counter") && name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
        out.append("# HELP ").append(family).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(family).append(' ').append(type).append('\n');
        if (family.endsWith("_seconds")) {
            out.append("# UNIT ").append(family).append(" seconds\n");
        } else if (family.endsWith("_bytes")) {
            out.append("# UNIT ").append(family).append(" bytes\n");
        }
        out.append(lines);
    }

    private static void line(StringBuilder out, String name, Map<String, String> labels, String extraName,
                             String extraValue, String value) {
        Map<String, String> all = new TreeMap<>(labels);
        all.put(extraName, extraValue);
        out.append(name).append('{');
        String separator = "";
        for (Map.Entry<String, String> e : all.entrySet()) {
            out.append(separator).append(e.getKey()).append("=\"").append(escape(e.getValue())).append('"');
            separator = ",";
        }
        out.append("} ").append(value).append('\n');
    }

    /** Text-format label value escaping: backslash (first, so that the others stay single), double quote, newline. */
    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Nanoseconds as exact decimal seconds: 391207795 is {@code 0.391207795}, 2000000000 is {@code 2}. */
    static String seconds(long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
    }
}
