// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.sim.SandboxOptions;
import runsc.metrics.sim.Simulation;
import runsc.metrics.testing.ScratchDir;
import runsc.metrics.testing.Tools;

/** Start-up, serving and shutdown of the whole server (exposition-server-cli.md §4.2, §4.8). */
class MetricServerTest {
    private final List<String> log = new CopyOnWriteArrayList<>();
    @RegisterExtension
    final ServerScratch scratch = new ServerScratch();
    private final Path dir = scratch.dir();
    private final Path root = scratch.root();
    private final Path socket = scratch.socket();

    private MetricServer start(ServerConfig config, Optional<Path> pidFile, boolean allowUnknownRoot) throws ServerStartException {
        MetricServer server = MetricServer.start(config, pidFile, allowUnknownRoot, log::add, new ControlSandboxQuery(config.root()));
        scratch.closeAfter(server);
        return server;
    }

    private MetricServer startUnix() throws ServerStartException {
        return start(ServerTestSupport.fastConfig(root, socket.toString(), 8), Optional.empty(), false);
    }

    private Simulation simulate(List<SandboxOptions> options) throws IOException {
        Simulation sim = Simulation.start(root, options);
        scratch.closeAfter(sim);
        return sim;
    }

    private static String startError(ServerConfig config, Optional<Path> pidFile, boolean allowUnknownRoot) {
        return assertThrows(ServerStartException.class, () -> MetricServer.start(config, pidFile, allowUnknownRoot,
                l -> { }, new ControlSandboxQuery(config.root()))).getMessage();
    }

    @Test
    void servesOverTcpOnAnEphemeralPort() throws Exception {
        simulate(Simulation.options(2, "sb", "127.0.0.1:0", "", 0, Map.of()));
        MetricServer server = start(ServerTestSupport.fastConfig(root, "127.0.0.1:0", 8), Optional.empty(), false);
        assertTrue(server.boundAddress().matches("127\\.0\\.0\\.1:[1-9][0-9]*"), server.boundAddress());
        assertFalse(server.bindsAllInterfaces());
        ServerTestSupport.Response r = ServerTestSupport.get(server.boundAddress(), "/metrics");
        assertEquals(200, r.status());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().get("content-type"));
        ServerTestSupport.assertParses(r.body());
        // The sandboxes recorded the address as given ("...:0"), which is what the server compares.
        assertEquals(2, ServerTestSupport.lines(r.body(), "runsc_meta_sandbox_presence").size());
    }

    @Test
    void theStartLineNamesAddressRootAndSandboxesServedOfThoseFound() throws Exception {
        // Both sandboxes record a TCP address, so this server on a Unix socket serves neither.
        simulate(Simulation.options(2, "sb", "127.0.0.1:0", "", 0, Map.of()));
        startUnix();
        String line = "metric server listening on " + socket + " (root \"" + root + "\"): serving 0 of 2 sandboxes found";
        Tools.await(Duration.ofSeconds(30), "the start line in the log",
                () -> log.stream().anyMatch(l -> l.startsWith("metric server listening on ")));
        assertEquals(List.of(line), log.stream().filter(l -> l.startsWith("metric server listening on ")).toList());
    }

    @Test
    void namesAnIpv6AddressInBrackets() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/proc/net/if_inet6")), "no IPv6 on this host");
        MetricServer server = start(ServerTestSupport.fastConfig(root, "[::1]:0", 8), Optional.empty(), false);
        assertTrue(server.boundAddress().matches("\\[0:0:0:0:0:0:0:1]:[1-9][0-9]*"), server.boundAddress());
        assertEquals(200, ServerTestSupport.get(server.boundAddress(), "/runsc-metrics/pid").status());
    }

    @Test
    void warnsAboutAllInterfacesOnlyForAPortWithoutHost() throws Exception {
        MetricServer server = start(ServerTestSupport.fastConfig(root, ":0", 8), Optional.empty(), false);
        assertTrue(server.bindsAllInterfaces());
    }

    @Test
    void servesOverAUnixSocketAndRemovesItOnClose() throws Exception {
        simulate(List.of(SandboxOptions.of("sb1", socket.toString())));
        MetricServer server = startUnix();
        assertEquals(socket.toString(), server.boundAddress());
        assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS)));
        ServerTestSupport.Response r = ServerTestSupport.get(socket, "/metrics");
        assertEquals(200, r.status());
        ServerTestSupport.assertParses(r.body());
        assertEquals(List.of("runsc_meta_num_sandboxes_running"), ServerTestSupport.lines(r.body(), "runsc_meta_num_sandboxes_running")
                .stream().map(l -> l.split(" ")[0]).toList());
        assertTrue(ServerTestSupport.lines(r.body(), "runsc_meta_num_sandboxes_running").getFirst().startsWith("runsc_meta_num_sandboxes_running 1 "));
        server.close();
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
        server.close(); // idempotent
        server.awaitStop();
    }

    @Test
    void substitutesTheRuntimeRootInItsOwnAddress() throws Exception {
        simulate(List.of(SandboxOptions.of("sb1", "%RUNTIME_ROOT%/m.sock")));
        MetricServer server = start(ServerTestSupport.fastConfig(root, "%RUNTIME_ROOT%/m.sock", 8), Optional.empty(), false);
        assertEquals(root + "/m.sock", server.boundAddress());
        ServerTestSupport.Response r = ServerTestSupport.get(root.resolve("m.sock"), "/metrics");
        assertEquals(1, ServerTestSupport.lines(r.body(), "runsc_meta_sandbox_presence").size(), r.body());
    }

    @Test
    void refusesToStartWithoutAnAddress() {
        assertEquals("config does not specify the metric server address (--metric-server)",
                startError(ServerTestSupport.fastConfig(root, "", 8), Optional.empty(), false));
    }

    @Test
    void refusesAMissingRootWithUpstreamsMessage() {
        Path missing = dir.resolve("nope");
        assertEquals("invalid root directory \"" + missing + "\": tried to list all entries within it and got: open "
                + missing + ": no such file or directory",
                startError(ServerTestSupport.fastConfig(missing, socket.toString(), 8), Optional.empty(), false));
        assertFalse(Files.exists(socket), "nothing bound");
    }

    @Test
    void refusesARootThatIsAFile() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertEquals("invalid root directory \"" + file + "\": tried to list all entries within it and got: readdirent "
                + file + ": not a directory",
                startError(ServerTestSupport.fastConfig(file, socket.toString(), 8), Optional.empty(), false));
    }

    @Test
    void startsOnAMissingRootWhenAllowedAndServesNoSandbox() throws Exception {
        MetricServer server = start(ServerTestSupport.fastConfig(dir.resolve("nope"), socket.toString(), 8), Optional.empty(), true);
        ServerTestSupport.Response r = ServerTestSupport.get(Path.of(server.boundAddress()), "/metrics");
        assertEquals(200, r.status());
        ServerTestSupport.assertParses(r.body());
        assertEquals(List.of(), ServerTestSupport.lines(r.body(), "runsc_meta_sandbox_presence"));
        assertTrue(ServerTestSupport.lines(r.body(), "runsc_meta_num_sandboxes_running").getFirst().startsWith("runsc_meta_num_sandboxes_running 0 "));
    }

    @Test
    void refusesASocketPathALiveServerListensOn() throws Exception {
        startUnix();
        assertEquals("cannot listen on unix domain socket \"" + socket + "\": another server is listening on it (address already in use)",
                startError(ServerTestSupport.fastConfig(root, socket.toString(), 8), Optional.empty(), false));
        assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the live server's socket is left alone");
        assertEquals(200, ServerTestSupport.get(socket, "/runsc-metrics/pid").status());
    }

    @Test
    void refusesAPidFileInAMissingDirectoryAndCleansUp() {
        Path pid = dir.resolve("missing/pid");
        assertEquals("cannot write PID to file \"" + pid + "\": open " + pid + ": no such file or directory",
                startError(ServerTestSupport.fastConfig(root, socket.toString(), 8), Optional.of(pid), false));
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the socket is removed again");
    }

    @Test
    void writesThePidFileWithoutNewlineMode0644AndRemovesItOnClose() throws Exception {
        Path pid = dir.resolve("server.pid");
        MetricServer server = start(ServerTestSupport.fastConfig(root, socket.toString(), 8), Optional.of(pid), false);
        assertEquals(Long.toString(ProcessHandle.current().pid()), Files.readString(pid, StandardCharsets.US_ASCII));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(pid)));
        assertEquals(Long.toString(ProcessHandle.current().pid()), ServerTestSupport.get(socket, "/runsc-metrics/pid").body());
        server.close();
        assertFalse(Files.exists(pid));
    }

    @Test
    void answersTheHealthcheckForItsOwnRootOnly() throws Exception {
        startUnix();
        ServerTestSupport.Response ok = ServerTestSupport.get(socket, "/runsc-metrics/healthcheck?root=" + root);
        assertEquals(200, ok.status());
        assertEquals("runsc-metrics:OK", ok.body());
        ServerTestSupport.Response wrong = ServerTestSupport.get(socket, "/runsc-metrics/healthcheck?root=/elsewhere");
        assertEquals(400, wrong.status());
        assertEquals("this metric server is configured to serve root directory: " + root + "\n", wrong.body());
    }

    @Test
    void keepsServingAnEmptySetWhenTheRootVanishes() throws Exception {
        Simulation sim = Simulation.start(root, List.of(SandboxOptions.of("sb1", socket.toString())));
        MetricServer server = startUnix();
        ServerTestSupport.Response before = ServerTestSupport.get(socket, "/metrics");
        assertEquals(1, ServerTestSupport.lines(before.body(), "runsc_meta_sandbox_presence").size(), before.body());
        sim.close();
        ScratchDir.deleteTree(root);
        ServerTestSupport.Response after = ServerTestSupport.get(socket, "/metrics");
        assertEquals(200, after.status());
        ServerTestSupport.assertParses(after.body());
        assertEquals(List.of(), ServerTestSupport.lines(after.body(), "runsc_meta_sandbox_presence"));
        assertTrue(ServerTestSupport.lines(after.body(), "runsc_meta_num_sandboxes_total").getFirst()
                .startsWith("runsc_meta_num_sandboxes_total 1 "), "the counter keeps the take-on");
        assertEquals(200, ServerTestSupport.get(socket, "/runsc-metrics/healthcheck?root=" + root).status());
        assertEquals(socket.toString(), server.boundAddress());
    }

    @Test
    void findsNewSandboxesInTheBackgroundBetweenScrapes() throws Exception {
        ServerConfig fast = ServerTestSupport.fastConfig(root, socket.toString(), 8).withRefreshInterval(Duration.ofMillis(50));
        MetricServer server = start(fast, Optional.empty(), false);
        simulate(List.of(SandboxOptions.of("late", socket.toString())));
        ServerTestSupport.await("background refresh", () -> log.contains("serving sandbox late"));
        server.close();
        int lines = log.size();
        simulate(List.of(SandboxOptions.of("later", socket.toString())));
        Thread.sleep(300);
        assertFalse(log.subList(lines, log.size()).contains("serving sandbox later"), "no refresh after close");
    }

    @Test
    void parsesGoTcpAddresses() throws IOException {
        assertEquals(new InetSocketAddress(1337), MetricServer.parseTcp(":1337"));
        assertTrue(MetricServer.parseTcp(":1337").getAddress().isAnyLocalAddress());
        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 1337), MetricServer.parseTcp("127.0.0.1:1337"));
        assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 1337), MetricServer.parseTcp("[::1]:1337"));
        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), MetricServer.parseTcp("127.0.0.1:"),
                "Go: an empty port picks one");
        assertEquals("address x: missing port in address",
                assertThrows(IOException.class, () -> MetricServer.parseTcp("x")).getMessage());
        assertEquals("address 127.0.0.1:http2: invalid port \"http2\"",
                assertThrows(IOException.class, () -> MetricServer.parseTcp("127.0.0.1:http2")).getMessage());
        assertEquals("address 127.0.0.1:65536: invalid port 65536",
                assertThrows(IOException.class, () -> MetricServer.parseTcp("127.0.0.1:65536")).getMessage());
        assertEquals("address ::1:1337: too many colons in address",
                assertThrows(IOException.class, () -> MetricServer.parseTcp("::1:1337")).getMessage());
    }

    @Test
    void aPidFileThatCannotBeRemovedIsAServerError() throws Exception {
        Path pid = dir.resolve("m.pid");
        List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        MetricServer server = MetricServer.start(ServerTestSupport.fastConfig(root, socket.toString(), 8),
                runsc.metrics.server.config.SocketAccess.UPSTREAM, Optional.of(pid), false, log::add, errors::add,
                new ControlSandboxQuery(root));
        scratch.closeAfter(server);
        // Something replaced the PID file with a directory that is not empty: it cannot be deleted.
        Files.delete(pid);
        Files.createFile(Files.createDirectory(pid).resolve("x"));
        server.close();
        List<String> pidErrors = errors.stream().filter(l -> l.startsWith("cannot remove PID file")).toList();
        assertEquals(1, pidErrors.size(), errors::toString);
        assertTrue(pidErrors.getFirst().startsWith("cannot remove PID file \"" + pid + "\": "), errors::toString);
    }

    @Test
    void aTakenTcpPortIsNamedOnceWithAHint() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            String error = startError(ServerTestSupport.fastConfig(root, address, 8), Optional.empty(), false);
            assertTrue(error.startsWith("cannot listen on TCP address \"" + address + "\": "), error);
            assertEquals(error.indexOf("cannot listen"), error.lastIndexOf("cannot listen"), "said twice: " + error);
            assertTrue(error.contains("--metric-server"), error);
        }
    }

    @Test
    void reportsABadTcpAddressAtStart() {
        assertEquals("cannot listen on TCP address \"localhost\": address localhost: missing port in address",
                startError(ServerTestSupport.fastConfig(root, "localhost", 8), Optional.empty(), false));
    }

    // --- The whole body against upstream's (exposition-server-cli.md §6: sample of the Go server) ---

    private static final Pattern SAMPLE_LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)( \\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:[^\"\\\\]|\\\\.)*\"");
    /** Families the HEAD server adds to the 2024 one the sample comes from (§4.6). */
    private static final List<String> HEAD_ONLY = List.of("runsc_meta_metric_server_presence", "runsc_meta_num_sandboxes_checkpointed",
            "runsc_meta_num_sandboxes_restored", "runsc_meta_sandbox_checkpointed", "runsc_meta_sandbox_cpu_time_saved_milliseconds",
            "runsc_meta_sandbox_restored", "runsc_meta_sandbox_wall_time_saved_milliseconds");

    /** Family -> [HELP line, TYPE line, label key sets of its lines]; only the server's own families. */
    private static Map<String, List<String>> structure(String body) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String help = null;
        for (String line : body.split("\n")) {
            if (line.startsWith("# HELP ")) {
                help = line;
            } else if (line.startsWith("# TYPE ")) {
                String family = line.split(" ")[2];
                if (family.startsWith("runsc_meta_") || family.equals("process_start_time_seconds")) {
                    out.put(family, new ArrayList<>(List.of(help, line)));
                }
            } else if (!line.startsWith("#") && !line.isEmpty()) {
                Matcher m = SAMPLE_LINE.matcher(line);
                assertTrue(m.matches(), line);
                List<String> entry = out.get(m.group(1));
                if (entry != null) {
                    TreeSet<String> keys = new TreeSet<>();
                    Matcher l = LABEL.matcher(m.group(3) == null ? "" : m.group(3));
                    while (l.find()) {
                        keys.add(l.group(1));
                    }
                    if (!entry.contains(keys.toString())) {
                        entry.add(keys.toString());
                    }
                }
            }
        }
        return out;
    }

    @Test
    void answersWithTheStructureOfUpstreamsResponse() throws Exception {
        simulate(List.of(SandboxOptions.of("sbA", socket.toString()).withPod("podA", "nsA"), SandboxOptions.of("sbB", socket.toString())));
        startUnix();
        String body = ServerTestSupport.get(socket, "/metrics").body();
        ServerTestSupport.assertParses(body);
        String sample = Files.readString(ServerTestSupport.UPSTREAM_SAMPLE, StandardCharsets.UTF_8);

        Map<String, List<String>> ours = structure(body);
        Map<String, List<String>> theirs = structure(sample);
        for (var e : theirs.entrySet()) {
            assertEquals(e.getValue(), ours.get(e.getKey()), e.getKey());
        }
        List<String> extra = new ArrayList<>(ours.keySet());
        extra.removeAll(theirs.keySet());
        assertEquals(HEAD_ONLY, extra.stream().sorted().toList());

        // The header: the same comment lines, with this root, and four snapshots in the same order.
        String[] mine = body.split("\n", 8);
        String[] upstream = sample.split("\n", 8);
        assertEquals(upstream[0].replace("/run/runsc-demo2", root.toString()), mine[0]);
        assertEquals(upstream[1], mine[1]);
        Pattern summary = Pattern.compile("#   - Snapshot with \\d+ data points taken at \\S+ \\S+ [+-]\\d{4} \\S+( m=\\+\\d+\\.\\d{9})?: map\\[(.*)]");
        for (int i = 2; i < 6; i++) {
            Matcher a = summary.matcher(upstream[i]);
            Matcher b = summary.matcher(mine[i]);
            assertTrue(a.matches() && b.matches(), mine[i]);
            assertEquals(a.group(1) == null, b.group(1) == null, "monotonic reading on line " + i);
            assertEquals(a.group(2).replaceAll(":[^ ]+", ""), b.group(2).replaceAll(":[^ ]+", ""), "label keys on line " + i);
        }
        assertEquals("", mine[6]);
        assertEquals("", upstream[6]);
        // Sandbox series carry the identity labels of §4.7, with the pod labels only where set.
        for (String line : ServerTestSupport.lines(body, "runsc_fs_opens")) {
            assertTrue(line.startsWith("runsc_fs_opens{iteration=\"") && (line.contains(",namespace_name=\"nsA\",pod_name=\"podA\",sandbox=\"sbA\"} ")
                    || line.contains("\",sandbox=\"sbB\"} ")), line);
        }
    }
}
