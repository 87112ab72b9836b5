// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runsc.metrics.control.ContainerStats;
import runsc.metrics.control.ControlClient;
import runsc.metrics.control.ControlException;
import runsc.metrics.json.Json;
import runsc.metrics.json.JsonArray;
import runsc.metrics.json.JsonNumber;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;
import runsc.metrics.testing.EventCaptures;

class SimEventStatsTest {
    private static final Duration REPLY_WAIT = Duration.ofSeconds(10);

    private final ControlClient client = new ControlClient();
    @TempDir
    Path root;
    private SimulatedSandbox sandbox;

    @BeforeEach
    void start() throws IOException {
        sandbox = SimulatedSandbox.start(root, SandboxOptions.of("sb1", "addr").withSeed(7));
    }

    @AfterEach
    void stop() throws IOException {
        sandbox.close();
    }

    private static long in(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** The JSON with every number 0 and the container ID (as a value or a key) replaced by "ID". */
    private static JsonValue skeleton(JsonValue v, String id) {
        return switch (v) {
            case JsonNumber n -> JsonNumber.of(0);
            case JsonString(String s) -> new JsonString(s.equals(id) ? "ID" : s);
            case JsonArray a -> new JsonArray(a.elements().stream().map(e -> skeleton(e, id)).toList());
            case JsonObject o -> {
                Map<String, JsonValue> m = new LinkedHashMap<>();
                o.members().forEach((k, e) -> m.put(k.equals(id) ? "ID" : k, skeleton(e, id)));
                yield new JsonObject(m);
            }
            default -> v;
        };
    }

    @Test
    void answersWithTheShapeOfTheRealReply() throws Exception {
        EventCaptures.Capture real = EventCaptures.named("single");
        try (RawClient raw = new RawClient(sandbox.recorded().socketPath())) {
            RawClient.Received got = raw.call("{\"method\":\"containerManager.Event\",\"arg\":\"sb1\"}", REPLY_WAIT);
            assertFalse(got.eof(), "the sandbox keeps the connection open, as a real one does");
            assertEquals(Json.write(skeleton(Json.parse(real.reply()), real.containerId())),
                    Json.write(skeleton(Json.parse(got.text()), "sb1")));
        }
    }

    @Test
    void statsThroughTheClientAreThoseOfARunningContainer() throws IOException {
        ContainerStats s = client.containerStats("sb1", sandbox.recorded().socketPath(), "sb1", in(5000));
        assertEquals("sb1", s.containerId());
        assertEquals(List.of("sb1"), List.copyOf(s.cpuByContainerNanos().keySet()));
        assertTrue(s.sandboxCpuNanos() >= SimEventStats.START_CPU_NANOS, "cpu " + s.sandboxCpuNanos());
        assertEquals(0, s.sandboxCpuNanos() % SimEventStats.CPU_TICK_NANOS, "cpu is counted in 10 ms ticks");
        assertTrue(s.memory().usageBytes() >= 2 << 20 && s.memory().usageBytes() < 18 << 20, "memory " + s.memory());
        assertEquals(1, s.pids().current());
        assertEquals("lo", s.network().getFirst().name());
    }

    @Test
    void withLimitsTheReplyFillsInWhatGvisor20240729LeavesAtZero() throws IOException {
        assertEquals(new ContainerStats.Pids(1, 0), client.containerStats("sb1", sandbox.recorded().socketPath(), "sb1", in(5000)).pids());
        try (SimulatedSandbox limited = SimulatedSandbox.start(root, SandboxOptions.of("sb2", "addr").withStatsLimits())) {
            ContainerStats s = client.containerStats("sb2", limited.recorded().socketPath(), "sb2", in(5000));
            assertEquals(new ContainerStats.Memory(s.memory().usageBytes(), SimEventStats.LIMIT_BYTES, 18 << 20,
                    SimEventStats.FAILCNT, SimEventStats.CACHE_BYTES), s.memory());
            assertEquals(new ContainerStats.Pids(1, SimEventStats.PIDS_LIMIT), s.pids());
        }
    }

    @Test
    void countersGrowAndMemoryWandersOverTime() {
        Instant created = Instant.parse("2026-12-05T07:00:00Z");
        SimEventStats stats = new SimEventStats("c", created, 7, false);
        JsonObject first = stats.result(created.plusSeconds(1));
        JsonObject later = stats.result(created.plusSeconds(101));
        assertEquals(SimEventStats.START_CPU_NANOS + 20_000_000L, at(first, "containerUsage", "c"), "2% of 1 s");
        assertEquals(SimEventStats.START_CPU_NANOS + 2_020_000_000L, at(later, "containerUsage", "c"), "2% of 101 s");
        assertEquals(20, lo(first, "RxPackets"));
        assertEquals(2020, lo(later, "TxPackets"));
        assertEquals(2020 * SimEventStats.BYTES_PER_PACKET, lo(later, "RxBytes"));
        assertEquals(memory(first), memory(stats.result(created.plusMillis(1500))), "steady within a second");
        long distinct = Stream.iterate(1, s -> s + 1).limit(10)
                .map(s -> memory(stats.result(created.plusSeconds(s)))).distinct().count();
        assertTrue(distinct > 5, "memory should move from second to second, saw " + distinct + " values in 10");
    }

    private static long memory(JsonObject result) {
        return at(result, "event", "data", "memory", "usage", "usage");
    }

    private static long lo(JsonObject result, String counter) {
        JsonArray interfaces = (JsonArray) ((JsonObject) ((JsonObject) result.get("event")).get("data"))
                .get("network_interfaces");
        return ((JsonNumber) ((JsonObject) interfaces.elements().getFirst()).get(counter)).longValueExact();
    }

    private static long at(JsonObject o, String... path) {
        JsonValue v = o;
        for (String key : path) {
            v = ((JsonObject) v).get(key);
        }
        return ((JsonNumber) v).longValueExact();
    }

    @Test
    void anotherContainerIsNotFoundAndAWrongArgumentIsGosError() throws IOException {
        ControlException e = assertThrows(ControlException.class,
                () -> client.containerStats("sb1", sandbox.recorded().socketPath(), "nope", in(5000)));
        assertEquals(ControlException.Kind.REMOTE, e.kind());
        assertEquals("container \"nope\" not found", e.remoteMessage().orElseThrow());
        try (RawClient raw = new RawClient(sandbox.recorded().socketPath())) {
            assertEquals("{\"success\":false,\"err\":\"json: cannot unmarshal number into Go value of type string\","
                    + "\"result\":null}", raw.call("{\"method\":\"containerManager.Event\",\"arg\":5}", REPLY_WAIT).text());
        }
    }
}
