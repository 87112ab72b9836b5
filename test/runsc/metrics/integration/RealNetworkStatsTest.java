// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import runsc.metrics.control.ContainerStats;
import runsc.metrics.control.ControlClient;
import runsc.metrics.json.Json;
import runsc.metrics.json.JsonArray;
import runsc.metrics.json.JsonNumber;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.testing.Cleanup;
import runsc.metrics.testing.Proc;
import runsc.metrics.testing.ProcResult;
import runsc.metrics.testing.RealRoot;
import runsc.metrics.testing.RealRunsc;
import runsc.metrics.testing.SandboxSpec;
import runsc.metrics.testing.Tools;

/**
 * A real sandbox with gVisor's network stack ({@code --network=sandbox}) whose application sends
 * TCP and UDP on {@code lo} every 50 ms: the {@code lo} counters of {@link ControlClient#containerStats}
 * grow, and {@code runsc events --stats} read between two of our readings lies between them.
 *
 * <p>runsc 20240729 refuses {@code --network=sandbox} on Linux 6.x ("cannot run with network
 * enabled in root network namespace": its test for the host's namespace is the presence of
 * {@code /proc/sys/net/core/rmem_default}, which newer kernels have in every namespace), so
 * {@code runsc create} and {@code start} run here in a private mount namespace with a tmpfs over
 * {@code /proc/sys/net}, in a network namespace made with {@code ip netns add} (only {@code lo}).
 */
class RealNetworkStatsTest {
    private static final String ID = "stnet";
    private static final String TRAFFIC = """
            import socket, time
            srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            srv.bind(("127.0.0.1", 7777)); srv.listen(1)
            cli = socket.create_connection(("127.0.0.1", 7777)); conn, _ = srv.accept()
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            while True:
                cli.sendall(b"x" * 1000); conn.recv(65536)
                u.sendto(b"ping", ("127.0.0.1", 9))
                time.sleep(0.05)
            """;

    private static RealRoot root;
    private static String netns;
    private static Path bundle;
    private static boolean created;

    @BeforeAll
    static void startSandbox() throws IOException, InterruptedException {
        RealRunsc.assumeAvailable();
        Path ip = Tools.assume("ip", "iproute2");
        Path unshare = Tools.assume("unshare", "util-linux");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no /usr/bin/python3 for the traffic");
        root = RealRoot.create();
        bundle = Files.createDirectories(root.path().resolveSibling("bundles").resolve(ID));
        netns = root.path().getParent().getFileName().toString();
        check(Proc.run(List.of(ip.toString(), "netns", "add", netns)));
        check(Proc.run(List.of(ip.toString(), "-n", netns, "link", "set", "lo", "up")));
        SandboxSpec spec = SandboxSpec.plain(ID).withArgs(List.of("/usr/bin/python3", "-c", TRAFFIC))
                .withNetworkNamespace("/var/run/netns/" + netns);
        Files.writeString(bundle.resolve("config.json"), spec.configJson("/" + netns + "-" + ID));
        created = true;
        runsc(unshare, "create", "--bundle", bundle.toString(), ID);
        runsc(unshare, "start", ID);
    }

    @AfterAll
    static void removeSandbox() throws Exception {
        AutoCloseable sandbox = created ? () -> {
            RealRunsc.run(List.of("--root=" + root.path(), "kill", ID, "KILL"));
            RealRunsc.run(List.of("--root=" + root.path(), "delete", "--force", ID));
        } : null;
        AutoCloseable namespace = netns == null ? null : () -> Proc.run(List.of("ip", "netns", "delete", netns));
        Cleanup.closeAll(sandbox, root, namespace);
    }

    @Test
    void loopbackCountersGrowAndRunscEventsLiesBetweenOurReadings() throws Exception {
        ControlClient client = new ControlClient();
        Path socket = root.path().resolve("runsc-" + ID + ".sock");
        ContainerStats.Interface before = lo(client.containerStats(ID, socket, ID, in(10_000)));
        ProcResult events = RealRunsc.run(List.of("--root=" + root.path(), "events", "--stats", ID));
        assertEquals(0, events.exitCode(), events::describe);
        Thread.sleep(500);
        ContainerStats.Interface after = lo(client.containerStats(ID, socket, ID, in(10_000)));
        assertTrue(after.txPackets() > before.txPackets() && after.rxBytes() > before.rxBytes(),
                "lo counters did not grow: " + before + " then " + after);
        JsonObject data = (JsonObject) ((JsonObject) Json.parse(events.stdout().strip())).get("data");
        JsonObject theirs = (JsonObject) ((JsonArray) data.get("network_interfaces")).elements().stream()
                .filter(i -> ((JsonObject) i).get("Name").equals(new JsonString("lo")))
                .findFirst().orElseThrow();
        Map<String, ToLongFunction<ContainerStats.Interface>> counters = Map.of("RxBytes",
                ContainerStats.Interface::rxBytes, "RxPackets", ContainerStats.Interface::rxPackets,
                "TxBytes", ContainerStats.Interface::txBytes, "TxPackets", ContainerStats.Interface::txPackets);
        counters.forEach((counter, ours) -> {
            long value = ((JsonNumber) theirs.get(counter)).longValueExact();
            long low = ours.applyAsLong(before);
            long high = ours.applyAsLong(after);
            assertTrue(low <= value && value <= high, counter + ": runsc's " + value + " is not between ours, " + low
                    + " and " + high);
        });
    }

    private static ContainerStats.Interface lo(ContainerStats stats) {
        return stats.network().stream().filter(i -> i.name().equals("lo")).findFirst()
                .orElseThrow(() -> new AssertionError("no lo in " + stats.network()));
    }

    private static void runsc(Path unshare, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(unshare.toString(), "-m", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs none /proc/sys/net && exec \"$@\"", "sh",
                RealRunsc.binary().orElseThrow().toString(), "--root=" + root.path(), "--network=sandbox"));
        command.addAll(List.of(args));
        // Files, not pipes: the sandbox that create forks keeps its stdio open for its whole life.
        Path out = bundle.resolve(args[0] + ".out");
        Path err = bundle.resolve(args[0] + ".err");
        Process p = new ProcessBuilder(command).redirectInput(new File("/dev/null"))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(RealRunsc.COMMAND_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("runsc " + args[0] + " did not finish in time: " + Files.readString(err));
        }
        if (p.exitValue() != 0) {
            throw new IOException("runsc " + String.join(" ", args) + " exited " + p.exitValue() + ": "
                    + Files.readString(err).strip());
        }
    }

    private static void check(ProcResult r) {
        if (r.exitCode() != 0) {
            throw new AssertionError(r.describe());
        }
    }

    private static long in(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
