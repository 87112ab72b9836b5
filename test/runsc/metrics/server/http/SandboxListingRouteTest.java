// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import runsc.metrics.json.Json;
import runsc.metrics.json.JsonArray;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.server.config.ServerConfig;

/** The {@code /runsc-metrics/sandboxes} route: its JSON, and the bounds on its time and body. */
class SandboxListingRouteTest {
    private static final ServerConfig CONFIG = ServerConfig.of("/run/runsc", "/run/m.sock", "runsc_", 8);
    private final List<String> log = new CopyOnWriteArrayList<>();

    private HttpResponse get(SandboxListing listing) {
        Router router = new Router(CONFIG, FakeMetricsSource.text("# m\n"), listing, () -> false, log::add);
        return router.handle(HttpRequest.of("GET", "/runsc-metrics/sandboxes", HttpHeaders.of("Host", "x"), new byte[0]));
    }

    private static JsonObject json(HttpResponse r) throws Exception {
        return (JsonObject) Json.parse(r.bodyText());
    }

    /** The listing of {@code entries}, answered 200 within {@code deadline} in at most the body limit. */
    private JsonObject boundedBody(Duration deadline, List<SandboxListing.Entry> entries) throws Exception {
        HttpResponse r = assertTimeoutPreemptively(deadline, () -> get(() -> entries));
        assertEquals(200, r.status());
        assertTrue(r.bodyLength() <= SandboxListingJson.MAX_BODY_BYTES, "body of " + r.bodyLength() + " bytes");
        return json(r);
    }

    private static SandboxListing.Entry entry(int i, String reason) {
        String id = String.format("sandbox-%05d", i);
        return new SandboxListing.Entry(id + "_sandbox:" + id + ".state", id, "/run/runsc-metrics.sock",
                reason.isEmpty() ? SandboxListing.Status.SERVED : SandboxListing.Status.NOT_SERVED, reason,
                i % 2 == 0 ? new SandboxListing.LastScrape.Ok(Instant.EPOCH)
                        : new SandboxListing.LastScrape.Broken(Instant.EPOCH, "connection refused"));
    }

    @Test
    void writesEveryFieldOfAnEntry() throws Exception {
        SandboxListing listing = () -> List.of(
                entry(2, ""),
                new SandboxListing.Entry("x_sandbox:x.state", "x", "127.0.0.1:9115", SandboxListing.Status.NOT_SERVED,
                        "recorded another --metric-server address", SandboxListing.LastScrape.NONE),
                entry(1, ""));
        HttpResponse r = get(listing);
        assertEquals(200, r.status());
        assertEquals("{\"root\":\"/run/runsc\",\"total\":3,\"listed\":3,\"truncated\":false,\"sandboxes\":["
                + "{\"state_file\":\"sandbox-00001_sandbox:sandbox-00001.state\",\"id\":\"sandbox-00001\","
                + "\"address\":\"/run/runsc-metrics.sock\",\"status\":\"served\",\"reason\":\"\",\"last_scrape\":"
                + "{\"outcome\":\"broken\",\"at\":\"1970-01-01T00:00:00Z\",\"error\":\"connection refused\"}},"
                + "{\"state_file\":\"sandbox-00002_sandbox:sandbox-00002.state\",\"id\":\"sandbox-00002\","
                + "\"address\":\"/run/runsc-metrics.sock\",\"status\":\"served\",\"reason\":\"\",\"last_scrape\":"
                + "{\"outcome\":\"ok\",\"at\":\"1970-01-01T00:00:00Z\"}},"
                + "{\"state_file\":\"x_sandbox:x.state\",\"id\":\"x\",\"address\":\"127.0.0.1:9115\","
                + "\"status\":\"not_served\",\"reason\":\"recorded another --metric-server address\","
                + "\"last_scrape\":null}]}",
                r.bodyText());
    }

    @Test
    void tenThousandStateFilesAnswerQuicklyWithABoundedBody() throws Exception {
        List<SandboxListing.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            entries.add(entry(i, i % 3 == 0 ? "not running" : ""));
        }
        JsonObject body = boundedBody(Duration.ofSeconds(10), entries);
        assertEquals("10000", body.get("total").toString());
        assertEquals("10000", body.get("listed").toString());
        assertEquals(10_000, ((JsonArray) body.get("sandboxes")).elements().size());
    }

    @Test
    void hugeFieldsAreCutAndEntriesPastTheBoundAreLeftOut() throws Exception {
        String huge = "e".repeat(1 << 20);
        List<SandboxListing.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            entries.add(new SandboxListing.Entry("s" + i + "_sandbox:s" + i + ".state", "s" + i, huge,
                    SandboxListing.Status.NOT_SERVED, huge, new SandboxListing.LastScrape.Broken(Instant.EPOCH, huge)));
        }
        JsonObject body = boundedBody(Duration.ofSeconds(20), entries);
        assertEquals("10000", body.get("total").toString());
        assertEquals("true", body.get("truncated").toString());
        JsonArray listed = (JsonArray) body.get("sandboxes");
        assertEquals(body.get("listed").toString(), Integer.toString(listed.elements().size()));
        assertTrue(listed.elements().size() > 100, "listed " + listed.elements().size());
        String reason = ((JsonString) ((JsonObject) listed.elements().getFirst()).get("reason")).value();
        assertEquals(SandboxListingJson.MAX_FIELD_CHARS + 3, reason.length());
    }
}
