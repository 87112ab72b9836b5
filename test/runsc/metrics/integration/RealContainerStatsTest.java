// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import runsc.metrics.control.ContainerStats;
import runsc.metrics.control.ControlClient;
import runsc.metrics.json.Json;
import runsc.metrics.json.JsonArray;
import runsc.metrics.json.JsonNumber;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;
import runsc.metrics.runtime.HostCgroupCpu;
import runsc.metrics.testing.ProcResult;
import runsc.metrics.testing.RealRoot;
import runsc.metrics.testing.RealRunsc;
import runsc.metrics.testing.RealSandbox;
import runsc.metrics.testing.SandboxSpec;

/**
 * {@link ControlClient#containerStats} against real {@code runsc events --stats} on the same real
 * sandboxes: {@code st1} (one container) and the pod {@code stpod} with a second container
 * {@code stapp} in it (CRI annotations), with CPU scaled by {@link HostCgroupCpu} of the sandbox
 * process as runsc scales it. For each container the order is: our read, runsc's read,
 * our read; runsc's counters must lie between our two (CPU with a slack of one 10 ms sentry tick
 * and 2%, because runsc scales the sentry's share by a host cgroup reading of its own moment), and
 * its gauges must equal ours within {@value #MEMORY_TOLERANCE_BYTES} bytes or 10% (the sentry
 * recounts memory on every call).
 */
class RealContainerStatsTest {
    private static final long MEMORY_TOLERANCE_BYTES = 2 << 20;
    private static final long CPU_TICK_NANOS = 10_000_000L;
    private static final HostCgroupCpu HOST_CGROUP = new HostCgroupCpu();

    private static RealRoot root;
    private static RealSandbox single;
    private static RealSandbox pod;

    private final ControlClient client = new ControlClient();

    @BeforeAll
    static void startSandboxes() throws IOException {
        RealRunsc.assumeAvailable();
        root = RealRoot.create();
        single = root.start(SandboxSpec.plain("st1"));
        pod = root.start(SandboxSpec.pod("stpod", "web-0", "prod"));
        root.start(SandboxSpec.plain("stapp")
                .withAnnotation(SandboxSpec.CONTAINER_TYPE, "container")
                .withAnnotation("io.kubernetes.cri.sandbox-id", "stpod")
                .withAnnotation(SandboxSpec.SANDBOX_NAME, "web-0")
                .withAnnotation(SandboxSpec.SANDBOX_NAMESPACE, "prod"));
    }

    @AfterAll
    static void removeSandboxes() throws IOException {
        if (root != null) {
            root.close();
        }
    }

    /** Ours, then runsc's, then ours again, for one container of a sandbox. */
    private record Reads(ContainerStats before, long cpuBefore, JsonObject runsc, ContainerStats after, long cpuAfter) { }

    private Reads read(RealSandbox sandbox, String containerId) throws IOException {
        ContainerStats before = client.containerStats(sandbox.id(), sandbox.controlSocket(), containerId, in(10_000));
        long cpuBefore = before.cpuNanos(HOST_CGROUP.cpuNanos(sandbox.pid()));
        ProcResult events = RealRunsc.run(List.of("--root=" + root.path(), "events", "--stats", containerId));
        assertEquals(0, events.exitCode(), events::describe);
        ContainerStats after = client.containerStats(sandbox.id(), sandbox.controlSocket(), containerId, in(10_000));
        long cpuAfter = after.cpuNanos(HOST_CGROUP.cpuNanos(sandbox.pid()));
        return new Reads(before, cpuBefore, (JsonObject) Json.parse(events.stdout().strip()), after, cpuAfter);
    }

    @Test
    void singleContainerStatsMatchRunscEvents() throws IOException {
        check(read(single, "st1"));
    }

    @Test
    void bothContainersOfAPodMatchRunscEvents() throws IOException {
        Reads root = read(pod, "stpod");
        Reads app = read(pod, "stapp");
        check(root);
        check(app);
        assertEquals(List.of("stapp", "stpod"), List.copyOf(app.after().cpuByContainerNanos().keySet()),
                "the sandbox accounts CPU for both containers");
        assertEquals(0, root.after().memory().usageBytes(), "gVisor gives the pod's own container no memory");
    }

    private static void check(Reads r) {
        String id = r.before().containerId();
        long theirCpu = at(r.runsc(), "data", "cpu", "usage", "total");
        long slack = CPU_TICK_NANOS + Math.max(r.cpuBefore(), r.cpuAfter()) / 50;
        // runsc scales a container's share of the sentry's CPU by the host cgroup's usage, so in a pod
        // one container's figure can fall between two reads while the other's share grows: the
        // window is the range of our two reads, not their order.
        long low = Math.min(r.cpuBefore(), r.cpuAfter());
        long high = Math.max(r.cpuBefore(), r.cpuAfter());
        assertTrue(low - slack <= theirCpu && theirCpu <= high + slack,
                id + ": runsc's CPU " + theirCpu + " ns is not between ours, " + r.cpuBefore() + " and " + r.cpuAfter());
        assertEquals(at(r.runsc(), "data", "pids", "current"), r.after().pids().current(), id + " pids");
        long theirMemory = at(r.runsc(), "data", "memory", "usage", "usage");
        long tolerance = Math.max(MEMORY_TOLERANCE_BYTES, theirMemory / 10);
        assertTrue(Math.abs(theirMemory - r.after().memory().usageBytes()) <= tolerance,
                id + ": memory " + r.after().memory().usageBytes() + " vs runsc's " + theirMemory);
        JsonArray theirs = (JsonArray) ((JsonObject) r.runsc().get("data")).get("network_interfaces");
        assertEquals(theirs.elements().size(), r.after().network().size(), id + " interfaces");
        for (int i = 0; i < theirs.elements().size(); i++) {
            JsonObject t = (JsonObject) theirs.elements().get(i);
            ContainerStats.Interface before = r.before().network().get(i);
            ContainerStats.Interface after = r.after().network().get(i);
            assertEquals(t.get("Name"), new JsonString(after.name()));
            between(id + " " + after.name() + " RxBytes", before.rxBytes(), at(t, "RxBytes"), after.rxBytes());
            between(id + " " + after.name() + " RxPackets", before.rxPackets(), at(t, "RxPackets"), after.rxPackets());
            between(id + " " + after.name() + " TxBytes", before.txBytes(), at(t, "TxBytes"), after.txBytes());
            between(id + " " + after.name() + " TxPackets", before.txPackets(), at(t, "TxPackets"), after.txPackets());
        }
    }

    private static void between(String what, long low, long value, long high) {
        assertTrue(low <= value && value <= high, what + ": runsc's " + value + " is not between ours, " + low
                + " and " + high);
    }

    /** A number at a path, 0 when absent (Go's omitempty leaves zeros out). */
    private static long at(JsonObject o, String... path) {
        JsonValue v = o;
        for (String key : path) {
            v = v instanceof JsonObject obj ? obj.get(key) : null;
        }
        return v instanceof JsonNumber n ? n.longValueExact() : 0;
    }

    private static long in(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
