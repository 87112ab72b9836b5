// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import runsc.metrics.json.Json;
import runsc.metrics.json.JsonArray;
import runsc.metrics.json.JsonNull;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;
import runsc.metrics.sim.Fault;
import runsc.metrics.sim.SandboxOptions;
import runsc.metrics.sim.Simulation;

/**
 * {@code GET /runsc-metrics/sandboxes} on a running server, over both transports: every served
 * sandbox with the address it recorded and how its last scrape went.
 */
class SandboxListingEndpointTest {
    private final List<String> log = new CopyOnWriteArrayList<>();
    @RegisterExtension
    final ServerScratch scratch = new ServerScratch();
    private final Path root = scratch.root();

    private ServerTestSupport.Response get(MetricServer server, String target) throws IOException {
        String bound = server.boundAddress();
        return bound.startsWith("/") ? ServerTestSupport.get(Path.of(bound), target) : ServerTestSupport.get(bound, target);
    }

    private static Map<String, JsonValue> byId(JsonObject body) {
        Map<String, JsonValue> out = new java.util.TreeMap<>();
        for (JsonValue v : ((JsonArray) body.get("sandboxes")).elements()) {
            out.put(((JsonString) ((JsonObject) v).get("id")).value(), v);
        }
        return out;
    }

    private static String text(JsonValue object, String key) {
        return ((JsonString) ((JsonObject) object).get(key)).value();
    }

    @ParameterizedTest
    @ValueSource(strings = {"unix", "tcp"})
    void listsServedSandboxesWithAddressAndLastScrape(String transport) throws Exception {
        String address = transport.equals("unix") ? scratch.socket().toString() : "127.0.0.1:0";
        Simulation sim = Simulation.start(root, List.of(SandboxOptions.of("good", address),
                SandboxOptions.of("bad", address).withFault(Fault.parse("garbage"))));
        scratch.closeAfter(sim);
        MetricServer server = MetricServer.start(ServerTestSupport.fastConfig(root, address, 8), Optional.empty(),
                false, log::add, new ControlSandboxQuery(root));
        scratch.closeAfter(server);

        // Before any scrape the list holds what the background refresh found, if it has run.
        ServerTestSupport.Response before = get(server, "/runsc-metrics/sandboxes");
        assertEquals(200, before.status());
        assertEquals("application/json", before.headers().get("content-type"));
        JsonObject empty = (JsonObject) Json.parse(before.body());
        assertEquals(root.toString(), ((JsonString) empty.get("root")).value());

        assertEquals(200, get(server, "/metrics").status());
        ServerTestSupport.Response after = get(server, "/runsc-metrics/sandboxes");
        assertEquals(200, after.status());
        JsonObject body = (JsonObject) Json.parse(after.body());
        assertEquals("2", body.get("total").toString());
        assertEquals("false", body.get("truncated").toString());
        Map<String, JsonValue> sandboxes = byId(body);
        assertEquals(List.of("bad", "good"), List.copyOf(sandboxes.keySet()));

        JsonValue good = sandboxes.get("good");
        assertEquals("good_sandbox:good.state", text(good, "state_file"));
        assertEquals(address, text(good, "address"));
        assertEquals("served", text(good, "status"));
        assertEquals("", text(good, "reason"));
        assertEquals("ok", text(((JsonObject) good).get("last_scrape"), "outcome"));

        JsonObject badScrape = (JsonObject) ((JsonObject) sandboxes.get("bad")).get("last_scrape");
        assertEquals("broken", text(badScrape, "outcome"));
        assertFalse(text(badScrape, "error").isEmpty(), badScrape::toString);
        assertTrue(text(badScrape, "at").endsWith("Z"), badScrape::toString);
        assertFalse(((JsonObject) good).get("last_scrape") instanceof JsonNull);
        assertInstanceOf(JsonArray.class, body.get("sandboxes"));
    }
}
