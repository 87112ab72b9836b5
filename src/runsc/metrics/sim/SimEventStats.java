// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import runsc.metrics.json.JsonArray;
import runsc.metrics.json.JsonNumber;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;

/**
 * A simulated sandbox's answer to {@code containerManager.Event}, shaped as gVisor 20240729 sends
 * it (test/resources/samples/real-event-stats-captures.txt): {@code cpu.usage} empty and the CPU
 * time in {@code containerUsage} in 10 ms steps, {@code memory.usage.usage} (left out when 0, as Go's
 * {@code omitempty} does) with zero limits and fail counts, {@code pids.current}, and one loopback
 * interface. The values are functions of the time since the sandbox was created, so they move as
 * a real sandbox's do: CPU and the loopback counters only grow, memory wanders between 2 and
 * 18 MiB, and two readings at the same instant are equal. With limits ({@code statsLimits}), the
 * reply also has the fields gVisor 20240729 leaves at 0, with fixed values: a memory limit of
 * {@value #LIMIT_BYTES} bytes, a highest use of 18 MiB, {@value #FAILCNT} failures, a page cache of
 * {@value #CACHE_BYTES} bytes and a pids limit of {@value #PIDS_LIMIT}.
 */
final class SimEventStats {
    /** The sentry accounts CPU in scheduler ticks of 10 ms. */
    static final long CPU_TICK_NANOS = 10_000_000L;
    /** CPU time at creation (the application's start-up), then 2% of wall time. */
    static final long START_CPU_NANOS = 20_000_000L;
    /** Loopback packets per second each way, and bytes per packet (as the capture's 1000-byte sends give). */
    static final long PACKETS_PER_SECOND = 20;
    static final long BYTES_PER_PACKET = 300;
    /** With limits: the memory limit, fail count, page cache and pids limit sent. */
    static final long LIMIT_BYTES = 1L << 30;
    static final long FAILCNT = 3;
    static final long CACHE_BYTES = 1L << 20;
    static final long PIDS_LIMIT = 128;
    private static final long MIB = 1 << 20;

    private final String containerId;
    private final Instant createdAt;
    private final long seed;
    private final boolean limits;

    SimEventStats(String containerId, Instant createdAt, long seed, boolean limits) {
        this.containerId = Objects.requireNonNull(containerId, "containerId");
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        this.seed = seed;
        this.limits = limits;
    }

    /** {@return whether this sandbox runs that container} */
    boolean knows(String cid) {
        return containerId.equals(cid);
    }

    /** The {@code result} of the call at time {@code now}, for the sandbox's own container. */
    JsonObject result(Instant now) {
        long elapsed = Math.max(0, Duration.between(createdAt, now).toNanos());
        long cpu = START_CPU_NANOS + elapsed / 50 / CPU_TICK_NANOS * CPU_TICK_NANOS;
        long packets = elapsed / (1_000_000_000L / PACKETS_PER_SECOND);
        long bytes = packets * BYTES_PER_PACKET;
        // A fresh value each second, the same one within it: gauges wander, readings repeat.
        long pages = new SplittableRandom(seed ^ (elapsed / 1_000_000_000L)).nextLong(2 * MIB / 4096, 18 * MIB / 4096);

        Map<String, JsonValue> usage = new LinkedHashMap<>();
        usage.put("limit", limits ? JsonNumber.of(LIMIT_BYTES) : zero());
        usage.put("usage", JsonNumber.of(pages * 4096));
        if (limits) {
            usage.put("max", JsonNumber.of(18 * MIB));
        }
        usage.put("failcnt", limits ? JsonNumber.of(FAILCNT) : zero());
        Map<String, JsonValue> memory = new LinkedHashMap<>();
        if (limits) {
            memory.put("cache", JsonNumber.of(CACHE_BYTES));
        }
        memory.put("usage", new JsonObject(usage));
        for (String kind : List.of("swap", "kernel", "kernelTCP")) {
            memory.put(kind, entry("limit", zero(), "failcnt", zero()));
        }
        Map<String, JsonValue> lo = new LinkedHashMap<>();
        lo.put("Name", new JsonString("lo"));
        lo.put("RxBytes", JsonNumber.of(bytes));
        lo.put("RxPackets", JsonNumber.of(packets));
        lo.put("RxErrors", zero());
        lo.put("RxDropped", zero());
        lo.put("TxBytes", JsonNumber.of(bytes));
        lo.put("TxPackets", JsonNumber.of(packets));
        lo.put("TxErrors", zero());
        lo.put("TxDropped", zero());
        Map<String, JsonValue> data = new LinkedHashMap<>();
        data.put("cpu", entry("usage", JsonObject.EMPTY));
        data.put("memory", new JsonObject(memory));
        data.put("pids", limits ? entry("current", JsonNumber.of(1), "limit", JsonNumber.of(PIDS_LIMIT))
                : entry("current", JsonNumber.of(1)));
        data.put("network_interfaces", new JsonArray(List.of(new JsonObject(lo))));
        Map<String, JsonValue> event = new LinkedHashMap<>();
        event.put("type", new JsonString("stats"));
        event.put("id", new JsonString(containerId));
        event.put("data", new JsonObject(data));
        return entry("event", new JsonObject(event), "containerUsage", entry(containerId, JsonNumber.of(cpu)));
    }

    private static JsonNumber zero() {
        return JsonNumber.of(0);
    }

    private static JsonObject entry(String key, JsonValue value) {
        return new JsonObject(Map.of(key, value));
    }

    private static JsonObject entry(String k1, JsonValue v1, String k2, JsonValue v2) {
        Map<String, JsonValue> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return new JsonObject(m);
    }
}
