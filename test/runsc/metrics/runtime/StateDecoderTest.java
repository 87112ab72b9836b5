// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import runsc.metrics.gotext.GoTime;
import runsc.metrics.json.JsonArray;
import runsc.metrics.json.JsonBool;
import runsc.metrics.json.JsonNull;
import runsc.metrics.json.JsonNumber;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;

class StateDecoderTest {
    private static final Path FILE = Path.of("root/sb1_sandbox:sb1.state");

    private static ContainerState decode(JsonValue json) throws StateFileException {
        return StateDecoder.decode(json, FILE);
    }

    private static String error(JsonValue json) {
        return assertThrows(StateFileException.class, () -> decode(json)).getMessage();
    }

    @Test
    void decodesTheRealStateFile() throws Exception {
        ContainerState c = decode(StateFixtures.sample());
        assertEquals("sb1", c.id());
        assertEquals(Instant.parse("2026-11-25T03:34:49.899887494Z"), c.createdAt());
        assertEquals(ContainerStatus.RUNNING, c.status());
        assertEquals("1.0.0", c.spec().ociVersion());
        assertEquals(0, c.spec().uid());
        assertEquals(List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"), List.copyOf(c.spec().capabilities()));
        assertEquals(Map.of("io.kubernetes.cri.container-type", "sandbox", "io.kubernetes.cri.sandbox-name", "web-0",
                "io.kubernetes.cri.sandbox-namespace", "prod"), c.spec().annotations());
        Sandbox s = c.sandbox();
        assertEquals("sb1", s.id());
        assertEquals("web-0", s.podName());
        assertEquals("prod", s.namespace());
        assertEquals(4500, s.pid());
        JsonObject registered = assertInstanceOf(JsonObject.class, s.registeredMetrics());
        assertEquals(174, ((JsonArray) registered.get("metrics")).elements().size());
        assertEquals(List.of("coretags", "cpuarch", "experiment", "fsmode", "go", "network", "numcores", "overlay",
                "platform", "version"), List.copyOf(s.metricMetadata().keySet()));
        assertEquals("", s.metricMetadata().get("experiment"));
        assertEquals("0.0~20240729.0", s.metricMetadata().get("version"));
        assertEquals("/run/runsc-demo/metrics.sock", s.metricServerAddress());
        assertEquals("/run/runsc-demo/runsc-sb1.sock", s.controlSocketPath());
        assertFalse(s.checkpointed());
        assertFalse(s.restored());
        assertEquals(0, s.cpuTimeSavedNanos());
        assertEquals(0, s.wallTimeSavedNanos());
        assertTrue(c.isRootById());
        assertTrue(c.isSandboxRoot());
    }

    @Test
    void decodesNewerCheckpointFields() throws Exception {
        JsonObject state = StateFixtures.sample();
        state = StateFixtures.at(state, JsonBool.TRUE, "sandbox", "checkpointed");
        state = StateFixtures.at(state, JsonBool.TRUE, "sandbox", "restored");
        state = StateFixtures.at(state, JsonNumber.of(1_999_999_999L), "sandbox", "cpuTimeSaved");
        state = StateFixtures.at(state, JsonNumber.of(-2_500_000L), "sandbox", "wallTimeSaved");
        Sandbox s = decode(state).sandbox();
        assertTrue(s.checkpointed());
        assertTrue(s.restored());
        assertEquals(1_999_999_999L, s.cpuTimeSavedNanos());
        assertEquals(1999, s.cpuTimeSavedMillis());
        assertEquals(-2, s.wallTimeSavedMillis());
    }

    @Test
    void matchesStructKeysCaseInsensitivelyLastOneWinning() throws Exception {
        JsonObject state = StateFixtures.sample();
        state = StateFixtures.with(StateFixtures.without(state, "id"), "ID", new JsonString("sb1"));
        JsonObject sandbox = StateFixtures.object(state, "sandbox");
        sandbox = StateFixtures.with(sandbox, "PODNAME", new JsonString("web-1"));
        sandbox = StateFixtures.with(sandbox, "podname", new JsonString("web-2"));
        state = StateFixtures.with(StateFixtures.without(state, "sandbox"), "Sandbox", sandbox);
        ContainerState c = decode(state);
        assertEquals("sb1", c.id());
        assertEquals("web-2", c.sandbox().podName());
    }

    @Test
    void matchesMapKeysExactly() throws Exception {
        JsonObject state = StateFixtures.sample();
        state = StateFixtures.at(state, new JsonObject(Map.of("IO.KUBERNETES.CRI.CONTAINER-TYPE", new JsonString("container"))),
                "spec", "annotations");
        assertEquals(ContainerSpec.ContainerType.UNSPECIFIED, decode(state).spec().containerType());
    }

    @Test
    void ignoresUnknownKeysAndToleratesAbsentNewerOnes() throws Exception {
        JsonObject state = StateFixtures.with(StateFixtures.sample(), "futureField", new JsonArray(List.of(JsonNull.INSTANCE)));
        JsonObject sandbox = StateFixtures.object(state, "sandbox");
        for (String key : new String[] {"podName", "namespace", "metricMetadata", "controlSocketPath", "registeredMetrics"}) {
            sandbox = StateFixtures.without(sandbox, key);
        }
        Sandbox s = decode(StateFixtures.with(state, "sandbox", sandbox)).sandbox();
        assertEquals("", s.podName());
        assertEquals("", s.namespace());
        assertEquals(Map.of(), s.metricMetadata());
        assertEquals("", s.controlSocketPath());
        assertNull(s.registeredMetrics());
    }

    @Test
    void nullLeavesZeroValues() throws Exception {
        JsonObject state = StateFixtures.at(StateFixtures.sample(), JsonNull.INSTANCE, "sandbox", "registeredMetrics");
        state = StateFixtures.at(state, JsonNull.INSTANCE, "sandbox", "pid");
        state = StateFixtures.at(state, JsonNull.INSTANCE, "createdAt");
        state = StateFixtures.at(state, new JsonObject(Map.of("k", JsonNull.INSTANCE)), "sandbox", "metricMetadata");
        ContainerState c = decode(state);
        assertNull(c.sandbox().registeredMetrics());
        assertEquals(0, c.sandbox().pid());
        assertEquals(GoTime.ZERO, c.createdAt());
        assertEquals(Map.of("k", ""), c.sandbox().metricMetadata());
    }

    @Test
    void missingSandboxIsAnError() {
        assertEquals("state file root/sb1_sandbox:sb1.state: $.sandbox: no sandbox object (missing or null)",
                error(StateFixtures.without(StateFixtures.sample(), "sandbox")));
        assertEquals("state file root/sb1_sandbox:sb1.state: $.sandbox: no sandbox object (missing or null)",
                error(StateFixtures.with(StateFixtures.sample(), "sandbox", JsonNull.INSTANCE)));
    }

    @Test
    void missingProcessOrCapabilitiesMeansNoCapabilitiesAndUidZero() throws Exception {
        JsonObject spec = StateFixtures.object(StateFixtures.sample(), "spec");
        ContainerState noProcess = decode(StateFixtures.with(StateFixtures.sample(), "spec",
                StateFixtures.without(spec, "process")));
        assertEquals(0, noProcess.spec().uid());
        assertTrue(noProcess.spec().capabilities().isEmpty());
        assertEquals("1.0.0", noProcess.spec().ociVersion());

        JsonObject state = StateFixtures.at(StateFixtures.sample(), JsonNull.INSTANCE, "spec", "process", "capabilities");
        state = StateFixtures.at(state, new JsonObject(Map.of("gid", JsonNumber.of(5))), "spec", "process", "user");
        ContainerState noCaps = decode(state);
        assertTrue(noCaps.spec().capabilities().isEmpty());
        assertEquals(0, noCaps.spec().uid());

        ContainerState noSpec = decode(StateFixtures.without(StateFixtures.sample(), "spec"));
        assertEquals(ContainerSpec.EMPTY, noSpec.spec());
    }

    @Test
    void collectsAllFiveCapabilitySets() throws Exception {
        JsonObject caps = new JsonObject(Map.of(
                "bounding", StateFixtures.strings("CAP_KILL"),
                "ambient", StateFixtures.strings("CAP_BPF", "CAP_KILL"),
                "permitted", StateFixtures.strings("CAP_CHOWN")));
        JsonObject state = StateFixtures.at(StateFixtures.sample(), caps, "spec", "process", "capabilities");
        state = StateFixtures.at(state, JsonNumber.of(1000), "spec", "process", "user", "uid");
        ContainerState c = decode(state);
        assertEquals(java.util.Set.of("CAP_KILL", "CAP_BPF", "CAP_CHOWN"), c.spec().capabilities());
        assertEquals(1000, c.spec().uid());
    }

    @Test
    void parsesCreatedAtWithAnyOffsetAndFractionLength() throws Exception {
        JsonObject state = StateFixtures.with(StateFixtures.sample(), "createdAt", new JsonString("2026-11-25T05:34:49.5+02:00"));
        assertEquals(Instant.parse("2026-11-25T03:34:49.500Z"), decode(state).createdAt());
        state = StateFixtures.with(StateFixtures.sample(), "createdAt", new JsonString("2026-11-25T03:34:49Z"));
        assertEquals(Instant.parse("2026-11-25T03:34:49Z"), decode(state).createdAt());
    }

    @Test
    void rejectsInvalidCreatedAt() {
        assertEquals("state file root/sb1_sandbox:sb1.state: $.createdAt: not an RFC 3339 time "
                + "(YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm)): \"yesterday\"",
                error(StateFixtures.with(StateFixtures.sample(), "createdAt", new JsonString("yesterday"))));
        assertEquals("state file root/sb1_sandbox:sb1.state: $.createdAt: expected an RFC 3339 time string, got the number 5",
                error(StateFixtures.with(StateFixtures.sample(), "createdAt", JsonNumber.of(5))));
    }

    @Test
    void rejectsWrongTypesNamingThePath() {
        assertEquals("state file root/sb1_sandbox:sb1.state: $: expected an object, got an array",
                error(new JsonArray(List.of())));
        assertEquals("state file root/sb1_sandbox:sb1.state: $: expected an object, got null", error(JsonNull.INSTANCE));
        assertEquals("state file root/sb1_sandbox:sb1.state: $.sandbox.pid: expected an integer, got 4500.5",
                error(StateFixtures.at(StateFixtures.sample(), new JsonNumber("4500.5"), "sandbox", "pid")));
        assertEquals("state file root/sb1_sandbox:sb1.state: $.sandbox.pid: expected an integer, got 9223372036854775808",
                error(StateFixtures.at(StateFixtures.sample(), new JsonNumber("9223372036854775808"), "sandbox", "pid")));
        assertEquals("state file root/sb1_sandbox:sb1.state: $.spec.process.user.uid: integer 4294967296 out of range 0..4294967295",
                error(StateFixtures.at(StateFixtures.sample(), JsonNumber.of(1L << 32), "spec", "process", "user", "uid")));
        assertEquals("state file root/sb1_sandbox:sb1.state: $.sandbox.checkpointed: expected a boolean, got a string",
                error(StateFixtures.at(StateFixtures.sample(), new JsonString("false"), "sandbox", "checkpointed")));
        assertEquals("state file root/sb1_sandbox:sb1.state: $.spec.process.capabilities.bounding[1]: expected a string, got the number 7",
                error(StateFixtures.at(StateFixtures.sample(), new JsonArray(List.of(new JsonString("CAP_KILL"), JsonNumber.of(7))),
                        "spec", "process", "capabilities", "bounding")));
        assertEquals("state file root/sb1_sandbox:sb1.state: $.sandbox.metricMetadata[\"numcores\"]: expected a string, got the number 2",
                error(StateFixtures.at(StateFixtures.sample(), new JsonObject(Map.of("numcores", JsonNumber.of(2))),
                        "sandbox", "metricMetadata")));
        assertEquals("state file root/sb1_sandbox:sb1.state: $.sandbox.registeredMetrics: expected an object or null, got an array",
                error(StateFixtures.at(StateFixtures.sample(), new JsonArray(List.of()), "sandbox", "registeredMetrics")));
        assertEquals("state file root/sb1_sandbox:sb1.state: $.spec: expected an object, got a string",
                error(StateFixtures.with(StateFixtures.sample(), "spec", new JsonString("x"))));
    }

    @Test
    void unknownStatusTextIsUnknown() throws Exception {
        assertEquals(ContainerStatus.UNKNOWN,
                decode(StateFixtures.with(StateFixtures.sample(), "status", new JsonString("Running"))).status());
        assertEquals(ContainerStatus.PAUSED,
                decode(StateFixtures.with(StateFixtures.sample(), "status", new JsonString("paused"))).status());
        assertEquals(ContainerStatus.UNKNOWN, decode(StateFixtures.without(StateFixtures.sample(), "status")).status());
    }

    @Test
    void decodesDuplicateKeysLikeGo() throws Exception {
        byte[] bytes = "{\"id\":\"a\",\"id\":\"b\",\"sandbox\":{\"id\":\"b\"}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("b", StateReader.decode(bytes, Path.of("root/b_sandbox:b.state")).id());
        assertEquals("state file root/sb1_sandbox:sb1.state: not valid JSON at line 1, column 4 (path $[1])",
                assertThrows(StateFileException.class, () -> StateReader.decode("[1,]".getBytes(
                        java.nio.charset.StandardCharsets.UTF_8), FILE)).getMessage());
    }
}
