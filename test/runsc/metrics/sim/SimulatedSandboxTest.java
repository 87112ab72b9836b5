// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import runsc.metrics.json.Json;
import runsc.metrics.json.JsonArray;
import runsc.metrics.json.JsonNumber;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;
import runsc.metrics.testing.ProjectFiles;

class SimulatedSandboxTest {
    private static final Duration REPLY_WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(300);

    private Path root;
    private final List<SimulatedSandbox> started = new ArrayList<>();

    @BeforeEach
    void makeRoot() throws IOException {
        root = Files.createTempDirectory(Path.of("/tmp"), "rm");
    }

    @AfterEach
    void cleanUp() throws IOException {
        for (SimulatedSandbox s : started) {
            s.close();
        }
        try (var files = Files.list(root)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(root);
    }

    private SimulatedSandbox start(SandboxOptions options) throws IOException {
        SimulatedSandbox s = SimulatedSandbox.start(root, options);
        started.add(s);
        return s;
    }

    private SimulatedSandbox sb1() throws IOException {
        return start(SandboxOptions.of("sb1", "/run/demo/metrics.sock").withPod("web-0", "prod").withSeed(7).withHistogram());
    }

    @Test
    void aDefaultSandboxHasNoHistogramAsRealGvisorHasNone() throws Exception {
        SimulatedSandbox s = start(SandboxOptions.of("plain", "a"));
        String state = Files.readString(s.recorded().stateFile());
        assertFalse(state.contains("read_latency"), state);
        try (RawClient client = new RawClient(s.recorded().socketPath())) {
            for (int i = 0; i < 3; i++) {
                String reply = client.call("{\"method\":\"Metrics.Export\",\"arg\":{\"only_metrics\":\"\"}}", REPLY_WAIT)
                        .text();
                assertTrue(reply.startsWith("{\"success\":true,"), reply);
                assertFalse(reply.contains("\"buckets\""), reply);
            }
        }
    }

    @Test
    void writesStateAndLockFilesWithRunscNamesAndModes() throws IOException {
        SimulatedSandbox s = sb1();
        assertEquals(root.resolve("sb1_sandbox:sb1.state"), s.recorded().stateFile());
        assertEquals(root.resolve("sb1_sandbox:sb1.lock"), s.recorded().lockFile());
        assertEquals(root.resolve("runsc-sb1.sock"), s.recorded().socketPath());
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(s.recorded().stateFile())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(s.recorded().lockFile())));
        assertEquals(0, Files.size(s.recorded().lockFile()));
        assertTrue(Files.exists(s.recorded().socketPath()));
    }

    @Test
    void stateFileHasTheKeysAndNestingOfARealOne() throws IOException {
        SimulatedSandbox s = sb1();
        JsonValue real = Json.parse(Files.readAllBytes(ProjectFiles.sample("real-state-sb1.json")));
        JsonValue ours = Json.parse(Files.readAllBytes(s.recorded().stateFile()));
        assertEquals(keyPaths(real, ""), keyPaths(ours, ""));
    }

    @Test
    void stateFileRecordsThisProcessTheSocketAndTheAddress() throws IOException {
        SimulatedSandbox s = sb1();
        JsonObject state = (JsonObject) Json.parse(Files.readAllBytes(s.recorded().stateFile()));
        JsonObject sandbox = (JsonObject) state.get("sandbox");
        assertEquals(new JsonString("sb1"), state.get("id"));
        assertEquals(new JsonString("running"), state.get("status"));
        assertEquals(JsonNumber.of(ProcessHandle.current().pid()), sandbox.get("pid"));
        assertEquals(new JsonString("web-0"), sandbox.get("podName"));
        assertEquals(new JsonString("prod"), sandbox.get("namespace"));
        assertEquals(new JsonString("/run/demo/metrics.sock"), sandbox.get("metricServerAddress"));
        assertEquals(new JsonString(s.recorded().socketPath().toString()), sandbox.get("controlSocketPath"));
        String createdAt = ((JsonString) state.get("createdAt")).value();
        assertTrue(createdAt.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d*[1-9])?Z"), createdAt);
        assertEquals(s.recorded().createdAt(), Instant.parse(createdAt));
        assertNotEquals(0, s.recorded().createdAt().getNano() % 1000, "createdAt carries nanoseconds");
        JsonObject annotations = (JsonObject) ((JsonObject) state.get("spec")).get("annotations");
        assertEquals(new JsonString("web-0"), annotations.get("io.kubernetes.cri.sandbox-name"));
        assertEquals(new JsonString("prod"), annotations.get("io.kubernetes.cri.sandbox-namespace"));
    }

    @Test
    void stateFileWithoutPodHasNoAnnotations() throws IOException {
        SimulatedSandbox s = start(SandboxOptions.of("lone", "addr"));
        JsonObject state = (JsonObject) Json.parse(Files.readAllBytes(s.recorded().stateFile()));
        assertEquals(null, ((JsonObject) state.get("spec")).get("annotations"));
        assertEquals(new JsonString(""), ((JsonObject) state.get("sandbox")).get("podName"));
    }

    @Test
    void answersErrorsAndRuntimeStateByteForByteLikeTheCaptures() throws Exception {
        sb1();
        List<String> requests = List.of(
                "{\"method\":\"Foo.Bar\",\"arg\":null}",
                "{\"method\":\"containerManager.GetSavings\",\"arg\":null}",
                "{\"method\":\"Metrics.Export\",\"arg\":5}",
                "{\"method\":\"Metrics.Export\"}",
                "{\"method\":\"Metrics.Export\",\"arg\":{\"only_metrics\":\"(\"}}",
                "{\"method\":\"containerManager.ContainerRuntimeState\",\"arg\":\"sb1\"}",
                "{\"method\":\"containerManager.ContainerRuntimeState\",\"arg\":\"nope\"}",
                "{\"METHOD\":\"containerManager.ContainerRuntimeState\",\"Arg\":\"sb1\"}",
                "{\"method\":\"Foo.Bar\",\"method\":\"containerManager.ContainerRuntimeState\",\"arg\":\"sb1\"}",
                "{\"method\":\"containerManager.ContainerRuntimeState\",\"arg\":\"sb1\",\"id\":7,\"jsonrpc\":\"2.0\"}",
                "{\"method\":\"metrics.export\",\"arg\":{}}",
                "null ");
        // All on one connection: the sandbox keeps it open and answers requests one after another.
        try (RawClient client = new RawClient(root.resolve("runsc-sb1.sock"))) {
            for (String request : requests) {
                RawClient.Received got = client.call(request, REPLY_WAIT);
                assertEquals(Captures.replyTo(request), got.text(), request);
                assertFalse(got.eof(), request);
            }
        }
    }

    @Test
    void closesTheConnectionWithoutAReplyOnRequestsThatDoNotDecode() throws Exception {
        sb1();
        for (String request : List.of("{\"method\":\"Metrics.Export\",,}", "[1,2,3]", "\"x\" ", "hello\n",
                "{\"method\":5,\"arg\":null}")) {
            try (RawClient client = new RawClient(root.resolve("runsc-sb1.sock"))) {
                RawClient.Received got = client.exchange(request, REPLY_WAIT);
                assertEquals(new RawClient.Received("", true), got, request);
            }
        }
    }

    @Test
    void answersOnlyTheFirstOfTwoPipelinedRequests() throws Exception {
        sb1();
        String one = "{\"method\":\"containerManager.ContainerRuntimeState\",\"arg\":\"sb1\"}";
        try (RawClient client = new RawClient(root.resolve("runsc-sb1.sock"))) {
            RawClient.Received got = client.exchange(one + one, QUIET);
            assertEquals(new RawClient.Received("{\"success\":true,\"err\":\"\",\"result\":2}", false), got);
        }
    }

    @Test
    void waitsForARequestSplitAcrossWritesAndToleratesWhitespace() throws Exception {
        sb1();
        try (RawClient client = new RawClient(root.resolve("runsc-sb1.sock"))) {
            client.send("  \n{\"method\":\"containerManager.Contain");
            assertEquals(new RawClient.Received("", false), client.read(QUIET, false));
            RawClient.Received got = client.call("erRuntimeState\",\"arg\":\"sb1\"}\n", REPLY_WAIT);
            assertEquals("{\"success\":true,\"err\":\"\",\"result\":2}", got.text());
        }
    }

    @Test
    void exportMatchesTheFilterUnanchoredOnTheUnprefixedName() throws Exception {
        sb1();
        try (RawClient client = new RawClient(root.resolve("runsc-sb1.sock"))) {
            assertEquals(List.of("fs_opens", "gofer_opens_host"),
                    names(client.call("{\"method\":\"Metrics.Export\",\"arg\":{\"only_metrics\":\"opens\"}}", REPLY_WAIT)));
            assertEquals(List.of("fs_reads"),
                    names(client.call("{\"method\":\"Metrics.Export\",\"arg\":{\"only_metrics\":\"^fs_reads$\"}}", REPLY_WAIT)));
            String none = client.call("{\"method\":\"Metrics.Export\",\"arg\":{\"only_metrics\":\"^does_not_exist$\"}}",
                    REPLY_WAIT).text();
            assertTrue(none.matches("\\{\"success\":true,\"err\":\"\",\"result\":\\{\"snapshot\":\\{\"when\":"
                    + "\"[0-9-]{10}T[0-9:]{8}(\\.[0-9]*[1-9])?Z\"}}}"), none);
        }
    }

    @Test
    void exportSendsGaugesAlwaysAndLeavesOutZeroCounters() throws Exception {
        sb1();
        try (RawClient client = new RawClient(root.resolve("runsc-sb1.sock"))) {
            String reply = client.call("{\"method\":\"Metrics.Export\",\"arg\":{\"only_metrics\":\"\"}}", REPLY_WAIT).text();
            // suspicious_operations starts at 0, so the first snapshot leaves it out.
            assertEquals(List.of("fs_opens", "fs_reads", "fs_writes", "gofer_opens_host", "netstack_tcp_current_open",
                    "netstack_tcp_current_established", "unimplemented_syscalls", "fs_read_latency_nanoseconds"),
                    names(new RawClient.Received(reply, false)));
            assertTrue(reply.contains("{\"metric\":{\"name\":\"fs_opens\",\"type\":2,\"help\":\"Files opened inside the sandbox.\"},"
                    + "\"val\":{\"int\":10}}"), reply);
            assertTrue(reply.contains("\"labels\":{\"sysno\":\"63\"},\"val\":{\"int\":1}}"), reply);
            assertTrue(reply.matches(".*\"buckets\":\\[\\{\"le\":\\{}(,\"n\":\\d+)?},\\{\"le\":\\{\"int\":1000}.*"
                    + "\\{\"le\":\\{\"float\":1e\\+999}(,\"n\":\\d+)?}]}}]}}}"), reply);
        }
    }

    @Test
    void countersGrowAndARegressingCounterShrinks() throws Exception {
        start(SandboxOptions.of("up", "a").withSeed(3));
        start(SandboxOptions.of("down", "a").withSeed(3).withFault(Fault.parse("regress")));
        for (String id : List.of("up", "down")) {
            try (RawClient client = new RawClient(root.resolve("runsc-" + id + ".sock"))) {
                long first = fsOpens(client);
                long second = fsOpens(client);
                long third = fsOpens(client);
                if (id.equals("up")) {
                    assertTrue(first < second && second < third, first + " " + second + " " + third);
                } else {
                    assertTrue(first > second && second > third, first + " " + second + " " + third);
                }
            }
        }
    }

    @Test
    void fillerSeriesAddOneCounterEach() throws Exception {
        SimulatedSandbox s = start(SandboxOptions.of("f", "a").withFillerSeries(40));
        try (RawClient client = new RawClient(s.recorded().socketPath())) {
            List<String> names = names(client.call("{\"method\":\"Metrics.Export\",\"arg\":{\"only_metrics\":\"^sim_filler_\"}}",
                    REPLY_WAIT));
            assertEquals(40, names.size());
            assertEquals("sim_filler_000", names.get(0));
            assertEquals("sim_filler_039", names.get(39));
        }
    }

    @Test
    void registeredMetricsReplyEqualsTheStateFileRegistration() throws Exception {
        SimulatedSandbox s = sb1();
        JsonObject state = (JsonObject) Json.parse(Files.readAllBytes(s.recorded().stateFile()));
        String registration = Json.write(((JsonObject) state.get("sandbox")).get("registeredMetrics"));
        try (RawClient client = new RawClient(s.recorded().socketPath())) {
            String reply = client.call("{\"method\":\"Metrics.GetRegisteredMetrics\",\"arg\":null}", REPLY_WAIT).text();
            assertEquals("{\"success\":true,\"err\":\"\",\"result\":{\"RegisteredMetrics\":" + registration + "}}", reply);
        }
        assertTrue(registration.contains("{\"name\":\"/fs/read_latency\",\"prometheus_name\":\"fs_read_latency_nanoseconds\","
                + "\"description\":\"Time taken by file reads, in nanoseconds.\",\"type\":1,"
                + "\"distribution_bucket_lower_bounds\":[0,1000,10000,100000,1000000]}"), registration);
    }

    @Test
    void replyScriptDecidesEachReply() throws Exception {
        ReplyScript script = ReplyScript.sequence(List.of(
                new ScriptedReply.Result(new JsonObject(Map.of("snapshot", runsc.metrics.json.JsonNull.INSTANCE))),
                new ScriptedReply.Failure("boom"),
                new ScriptedReply.Raw("{\"x\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        SimulatedSandbox s = start(SandboxOptions.of("scripted", "a").withReplyScript(script));
        String export = "{\"method\":\"Metrics.Export\",\"arg\":{\"only_metrics\":\"\"}}";
        try (RawClient client = new RawClient(s.recorded().socketPath())) {
            assertEquals("{\"success\":true,\"err\":\"\",\"result\":{\"snapshot\":null}}", client.call(export, REPLY_WAIT).text());
            assertEquals("{\"success\":false,\"err\":\"boom\",\"result\":null}", client.call(export, REPLY_WAIT).text());
            assertEquals("{\"x\":1}", client.call(export, REPLY_WAIT).text());
            assertEquals("{\"x\":1}", client.call(export, REPLY_WAIT).text());
        }
        assertEquals(4, s.exportCalls());
    }

    @Test
    void closeRemovesStateLockAndSocket() throws IOException {
        SimulatedSandbox s = SimulatedSandbox.start(root, SandboxOptions.of("gone", "a"));
        s.close();
        assertFalse(Files.exists(s.recorded().stateFile()));
        assertFalse(Files.exists(s.recorded().lockFile()));
        assertFalse(Files.exists(s.recorded().socketPath()));
    }

    @Test
    void deadSandboxNamesAnExitedPidAndRefusesConnections() throws IOException {
        SimulatedSandbox s = start(SandboxOptions.of("dead", "a").withFault(Fault.parse("dead")));
        assertNotEquals(ProcessHandle.current().pid(), s.recorded().pid());
        assertFalse(ProcessHandle.of(s.recorded().pid()).map(ProcessHandle::isAlive).orElse(false));
        JsonObject state = (JsonObject) Json.parse(Files.readAllBytes(s.recorded().stateFile()));
        assertEquals(new JsonString("running"), state.get("status"));
        assertTrue(Files.exists(s.recorded().socketPath()), "the socket file is left behind");
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            SocketException e = assertThrows(SocketException.class, () -> c.connect(UnixDomainSocketAddress.of(s.recorded().socketPath())));
            assertEquals("Connection refused", e.getMessage());
        }
    }

    private static long fsOpens(RawClient client) throws IOException {
        JsonObject reply = (JsonObject) Json.parse(
                client.call("{\"method\":\"Metrics.Export\",\"arg\":{\"only_metrics\":\"^fs_opens$\"}}", REPLY_WAIT).text());
        JsonObject snapshot = (JsonObject) ((JsonObject) reply.get("result")).get("snapshot");
        JsonObject data = (JsonObject) ((JsonArray) snapshot.get("data")).elements().get(0);
        JsonObject val = (JsonObject) data.get("val");
        return val.get("int") == null ? 0 : ((JsonNumber) val.get("int")).longValueExact();
    }

    static List<String> names(RawClient.Received received) throws IOException {
        JsonObject reply = (JsonObject) Json.parse(received.text());
        JsonObject snapshot = (JsonObject) ((JsonObject) reply.get("result")).get("snapshot");
        List<String> names = new ArrayList<>();
        if (snapshot.get("data") instanceof JsonArray data) {
            for (JsonValue d : data.elements()) {
                names.add(((JsonString) ((JsonObject) ((JsonObject) d).get("metric")).get("name")).value());
            }
        }
        return names;
    }

    /** Every object key path, descending into the first element of arrays; registeredMetrics only one level. */
    static List<String> keyPaths(JsonValue v, String path) {
        List<String> out = new ArrayList<>();
        if (v instanceof JsonObject o) {
            for (var e : o.members().entrySet()) {
                String p = path + "/" + e.getKey();
                out.add(p);
                if (e.getKey().equals("registeredMetrics")) {
                    ((JsonObject) e.getValue()).members().keySet().forEach(k -> out.add(p + "/" + k));
                } else {
                    out.addAll(keyPaths(e.getValue(), p));
                }
            }
        } else if (v instanceof JsonArray a && !a.elements().isEmpty()) {
            out.addAll(keyPaths(a.elements().get(0), path + "[0]"));
        }
        return out;
    }
}
