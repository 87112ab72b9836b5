// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import runsc.metrics.regex.Re2Pattern;
import runsc.metrics.server.config.ServerConfig;

class RouterTest {
    private static final String ROOT = "/run/runsc";
    private static final ServerConfig CONFIG = ServerConfig.of(ROOT, "/run/m.sock", "runsc_", 8);

    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    private final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final FakeMetricsSource source = FakeMetricsSource.text("# metrics\n");
    private final Router core = new Router(CONFIG, source, shuttingDown::get, log::add);

    private HttpResponse get(String target) {
        return core.handle(HttpRequest.of("GET", target, HttpHeaders.of("Host", "localhost"), new byte[0]));
    }

    /** {@code target} is served, and the source asked with these filters' sources (empty for none). */
    private void assertServedWithFilters(String target, Optional<String> metricsFilter, Optional<String> capabilityFilter) {
        HttpResponse r = get(target);
        assertEquals(200, r.status(), target);
        MetricsQuery q = source.queries.getLast();
        assertEquals(metricsFilter, q.metricsFilter().map(Re2Pattern::source), "metrics filter");
        assertEquals(capabilityFilter, q.capabilityFilter().map(Re2Pattern::source), "capability filter");
    }

    private static void assertGoError(HttpResponse r, int status, String message) {
        assertEquals(status, r.status());
        assertEquals(List.of(new Header("Content-Type", "text/plain; charset=utf-8"),
                new Header("X-Content-Type-Options", "nosniff")), r.headers());
        assertEquals(message + "\n", r.bodyText());
    }

    @Test
    void servesIndexPageOnExactRoot() {
        HttpResponse r = get("/");
        assertEquals(200, r.status());
        assertEquals("text/html; charset=utf-8", r.header("Content-Type"));
        assertEquals("<html><head><title>runsc metrics</title></head><body><p>You have reached the runsc metrics "
                + "server page!</p><p>To see actual metric data, head over to <a href=\"/metrics\">/metrics</a>."
                + "</p></body></html>", r.bodyText());
    }

    @Test
    void servesIndexEvenWhileShuttingDown() {
        shuttingDown.set(true);
        assertEquals(200, get("/").status());
    }

    @Test
    void servesMetricsWithTextFormatContentType() throws IOException {
        FakeMetricsSource sample = FakeMetricsSource.sample();
        Router c = new Router(CONFIG, sample, () -> false, s -> { });
        HttpResponse r = c.handle(HttpRequest.of("GET", "/metrics", HttpHeaders.EMPTY, new byte[0]));
        assertEquals(200, r.status());
        assertEquals(List.of(new Header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")), r.headers());
        assertArrayEquals(Files.readAllBytes(FakeMetricsSource.SAMPLE), r.bodyBytes());
        assertEquals(1, sample.queries.size());
        assertTrue(sample.queries.getFirst().metricsFilter().isEmpty());
        assertTrue(sample.queries.getFirst().capabilityFilter().isEmpty());
    }

    @Test
    void acceptsAnyMethodLikeGosMux() {
        for (String method : List.of("POST", "PUT", "DELETE", "HEAD", "BREW")) {
            HttpResponse r = core.handle(HttpRequest.of(method, "/metrics", HttpHeaders.EMPTY, new byte[0]));
            assertEquals(200, r.status(), method);
        }
    }

    @Test
    void passesCompiledFiltersToTheSource() {
        assertServedWithFilters("/metrics?runsc-sandbox-metrics-filter=%5Efs_&runsc-capability-filter=NET_.*",
                Optional.of("^fs_"), Optional.of("NET_.*"));
    }

    @Test
    void treatsEmptyFilterAsNone() {
        assertServedWithFilters("/metrics?runsc-sandbox-metrics-filter=&runsc-capability-filter=",
                Optional.empty(), Optional.empty());
    }

    @Test
    void usesTheFirstValueOfARepeatedParameter() {
        assertServedWithFilters("/metrics?runsc-sandbox-metrics-filter=a&runsc-sandbox-metrics-filter=(",
                Optional.of("a"), Optional.empty());
    }

    @Test
    void rejectsInvalidMetricFilterWithUpstreamText() {
        assertGoError(get("/metrics?runsc-sandbox-metrics-filter=(a"), 400,
                "provided metric filter is not a valid regular expression");
        assertGoError(get("/metrics?runsc-sandbox-metrics-filter=a%5C1"), 400,
                "provided metric filter is not a valid regular expression");
        assertTrue(source.queries.isEmpty());
    }

    @Test
    void rejectsInvalidCapabilityFilterWithUpstreamText() {
        assertGoError(get("/metrics?runsc-capability-filter=(%3F%3Dx)"), 400,
                "provided capability filter is not a valid regular expression");
    }

    @Test
    void acceptsAFilterOfTheLimitsLengthAndRefusesOneByteMoreBeforeAnyScrape() {
        String atLimit = "a".repeat(Router.MAX_FILTER_BYTES - 3) + "%C3%A9b"; // 4096 bytes once decoded
        assertEquals(200, get("/metrics?runsc-sandbox-metrics-filter=" + atLimit).status());
        assertEquals(200, get("/metrics?runsc-capability-filter=" + atLimit).status());
        assertEquals(2, source.queries.size());
        assertGoError(get("/metrics?runsc-sandbox-metrics-filter=" + atLimit + "c"), 400,
                "provided metric filter is too long: 4097 bytes, the limit is 4096");
        assertGoError(get("/metrics?runsc-sandbox-metrics-filter=ok&runsc-capability-filter=" + atLimit + "c"), 400,
                "provided capability filter is too long: 4097 bytes, the limit is 4096");
        assertEquals(2, source.queries.size(), "a refused filter reached the source");
    }

    @Test
    void rejectsFilterThatIsNotUtf8AsGoWould() {
        assertGoError(get("/metrics?runsc-sandbox-metrics-filter=%FF"), 400,
                "provided metric filter is not a valid regular expression");
    }

    @Test
    void dropsMalformedQueryPairsLeniently() {
        assertServedWithFilters("/metrics?a=%zz&runsc-sandbox-metrics-filter=ok;x&runsc-capability-filter=CHOWN",
                Optional.empty(), Optional.of("CHOWN"));
    }

    @Test
    void rewritesEncodedQuestionMarkAndDecodesTheRemainderTwice() {
        HttpResponse r = get("/metrics%3Frunsc-sandbox-metrics-filter%3D%255Efs_");
        assertEquals(200, r.status());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.header("Content-Type"));
        assertEquals("^fs_", source.queries.getFirst().metricsFilter().orElseThrow().source());
    }

    @Test
    void rewriteThrowsTheRealQueryAway() {
        assertServedWithFilters("/metrics%3Frunsc-capability-filter=SYS?runsc-sandbox-metrics-filter=(",
                Optional.empty(), Optional.of("SYS"));
    }

    @Test
    void rewriteAlsoValidatesFilters() {
        assertGoError(get("/metrics%3Frunsc-sandbox-metrics-filter=(x"), 400,
                "provided metric filter is not a valid regular expression");
    }

    @Test
    void answersPathNotFoundForEverythingElse() {
        for (String path : List.of("/metrics/", "/metricsXYZ", "/index.html", "/runsc-metrics/",
                "/runsc-metrics/profile-cpu", "/runsc-metrics/healthcheck/", "/Metrics")) {
            assertGoError(get(path), 404, "path not found");
        }
    }

    @Test
    void redirectsUncleanPathsLikeServeMux() {
        HttpResponse r = get("//metrics");
        assertEquals(301, r.status());
        assertEquals(List.of(new Header("Location", "/metrics"), new Header("Content-Type", "text/html; charset=utf-8")),
                r.headers());
        assertEquals("<a href=\"/metrics\">Moved Permanently</a>.\n\n", r.bodyText());
        assertEquals("/metrics?x=1&y=2", get("/a/../metrics?x=1&y=2").header("Location"));
        assertEquals("/runsc-metrics/pid", get("/runsc-metrics/./pid").header("Location"));
        assertEquals("/x/", get("/x/./").header("Location"));
        assertEquals("/", get("/..").header("Location"));
    }

    @Test
    void redirectEscapesThePathAndHtml() {
        HttpResponse r = get("/a%20b/../c%22d//");
        assertEquals("/c%22d/", r.header("Location"));
        assertEquals("<a href=\"/c%22d/\">Moved Permanently</a>.\n\n", r.bodyText());
    }

    @Test
    void redirectForPostHasNoBodyAndNoContentType() {
        HttpResponse r = core.handle(HttpRequest.of("POST", "//metrics", HttpHeaders.EMPTY, new byte[0]));
        assertEquals(301, r.status());
        assertEquals(List.of(new Header("Location", "/metrics")), r.headers());
        assertEquals(0, r.bodyLength());
        HttpResponse head = core.handle(HttpRequest.of("HEAD", "//metrics", HttpHeaders.EMPTY, new byte[0]));
        assertEquals("text/html; charset=utf-8", head.header("Content-Type"));
        assertEquals(0, head.bodyLength());
    }

    @Test
    void answersBadRequestForUndecodablePath() {
        HttpResponse r = get("/%zz");
        assertEquals(400, r.status());
        assertEquals("400 Bad Request", r.bodyText());
        assertTrue(r.close());
        assertEquals(400, get("metrics").status());
    }

    @Test
    void answersOptionsStarLikeGosServer() {
        HttpResponse r = core.handle(HttpRequest.of("OPTIONS", "*", HttpHeaders.EMPTY, new byte[0]));
        assertEquals(200, r.status());
        assertEquals(0, r.bodyLength());
    }

    @Test
    void acceptsAbsoluteFormTargets() {
        assertEquals(200, get("http://localhost:1337/metrics").status());
        assertEquals(1, source.queries.size());
    }

    @Test
    void healthcheckAcceptsTheConfiguredRoot() {
        HttpResponse r = get("/runsc-metrics/healthcheck?root=%2Frun%2Frunsc");
        assertEquals(200, r.status());
        assertEquals("text/plain; charset=utf-8", r.header("Content-Type"));
        assertNull(r.header("X-Content-Type-Options"));
        assertEquals("runsc-metrics:OK", r.bodyText());
    }

    @Test
    void healthcheckRejectsOtherOrMissingRoot() {
        String message = "this metric server is configured to serve root directory: /run/runsc";
        assertGoError(get("/runsc-metrics/healthcheck?root=/run/runsc/"), 400, message);
        assertGoError(get("/runsc-metrics/healthcheck"), 400, message);
    }

    @Test
    void healthcheckReportsQueryParseErrors() {
        assertGoError(get("/runsc-metrics/healthcheck?root=/run/runsc&x=%zz"), 400, "invalid URL escape \"%zz\"");
        assertGoError(get("/runsc-metrics/healthcheck?root=/run/runsc;x"), 400, "invalid semicolon separator in query");
    }

    @Test
    void healthcheckReadsUrlencodedPostBodyAndItWins() {
        HttpHeaders form = HttpHeaders.of("Content-Type", "application/x-www-form-urlencoded");
        HttpResponse ok = core.handle(HttpRequest.of("POST", "/runsc-metrics/healthcheck", form,
                "root=%2Frun%2Frunsc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(200, ok.status());
        HttpResponse bodyWins = core.handle(HttpRequest.of("POST", "/runsc-metrics/healthcheck?root=/run/runsc", form,
                "root=/elsewhere".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(400, bodyWins.status());
        HttpResponse getIgnoresBody = core.handle(HttpRequest.of("GET", "/runsc-metrics/healthcheck", form,
                "root=/run/runsc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(400, getIgnoresBody.status());
    }

    @Test
    void healthcheckReportsBadContentTypeWithGosMimeText() {
        byte[] body = "root=/run/runsc".getBytes(StandardCharsets.US_ASCII);
        String[][] cases = {
            {"text/", "mime: expected token after slash"},
            {"/x", "mime: no media type"},
            {"a b", "mime: expected slash after first token"},
            {"a/b c", "mime: unexpected content after media subtype"},
            {"application/x-www-form-urlencoded; charset", "mime: invalid media parameter"},
        };
        for (String[] c : cases) {
            HttpResponse r = core.handle(HttpRequest.of("PUT", "/runsc-metrics/healthcheck?root=/run/runsc",
                    HttpHeaders.of("Content-Type", c[0]), body));
            assertGoError(r, 400, c[1]);
        }
        HttpResponse other = core.handle(HttpRequest.of("POST", "/runsc-metrics/healthcheck?root=/run/runsc",
                HttpHeaders.of("Content-Type", "application/json; charset=utf-8"), body));
        assertEquals(200, other.status());
    }

    @Test
    void healthcheckAnswers503WhileShuttingDown() {
        shuttingDown.set(true);
        assertGoError(get("/runsc-metrics/healthcheck?root=/run/runsc"), 503, "server is shutting down");
    }

    @Test
    void pidRouteServesThePidWithoutNewline() {
        HttpResponse r = get("/runsc-metrics/pid");
        assertEquals(200, r.status());
        assertEquals(Long.toString(ProcessHandle.current().pid()), r.bodyText());
        assertEquals("text/plain; charset=utf-8", r.header("Content-Type"));
        shuttingDown.set(true);
        assertGoError(get("/runsc-metrics/pid"), 503, "server is shutting down");
    }

    @Test
    void answers503WithTheMessageWhenTheScrapeFailsBeforeAnyByte() {
        Router c = new Router(CONFIG, (q, out) -> {
            throw new IOException("scrape failed: deadline exceeded");
        }, () -> false, log::add);
        assertGoError(c.handle(HttpRequest.of("GET", "/metrics", HttpHeaders.EMPTY, new byte[0])), 503,
                "scrape failed: deadline exceeded");
    }

    @Test
    void sendsWhatWasWrittenWhenTheScrapeFailsLater() {
        Router c = new Router(CONFIG, (q, out) -> {
            out.write("# partial".getBytes(StandardCharsets.UTF_8));
            throw new IOException("broken");
        }, () -> false, log::add);
        HttpResponse r = c.handle(HttpRequest.of("GET", "/metrics", HttpHeaders.EMPTY, new byte[0]));
        assertEquals(200, r.status());
        assertEquals("# partial", r.bodyText());
    }

    @Test
    void answers500WithoutDetailsWhenTheSourceCrashes() {
        Router c = new Router(CONFIG, (q, out) -> {
            throw new IllegalStateException("secret detail");
        }, () -> false, log::add);
        HttpResponse r = c.handle(HttpRequest.of("GET", "/metrics", HttpHeaders.EMPTY, new byte[0]));
        assertGoError(r, 500, "internal error");
        assertTrue(r.close());
        assertTrue(log.stream().anyMatch(l -> l.contains("secret detail")));
    }

    @Test
    void neverThrowsWhateverFailsBehindARoute() {
        Router c = new Router(CONFIG, source, () -> {
            throw new IllegalStateException("shutdown flag broken");
        }, log::add);
        HttpResponse r = c.handle(HttpRequest.of("GET", "/runsc-metrics/pid", HttpHeaders.EMPTY, new byte[0]));
        assertGoError(r, 500, "internal error");
        assertTrue(r.close());
        assertEquals(List.of("Request: GET /runsc-metrics/pid",
                "Request: GET /runsc-metrics/pid: internal error: java.lang.IllegalStateException: shutdown flag broken"), log);
    }

    @Test
    void capsConcurrentMetricsRequests() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Router c = new Router(CONFIG.withMaxConcurrentScrapes(1), (q, out) -> {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write('x');
        }, () -> false, log::add);
        HttpRequest req = HttpRequest.of("GET", "/metrics", HttpHeaders.EMPTY, new byte[0]);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<HttpResponse> first = pool.submit(() -> c.handle(req));
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            assertGoError(c.handle(req), 503, "too many concurrent /metrics requests (limit 1)");
            release.countDown();
            assertEquals(200, first.get(10, TimeUnit.SECONDS).status());
        }
        assertEquals(200, c.handle(req).status());
    }

    @Test
    void logsEveryRequestWithMethodAndDecodedPath() {
        get("/a%20b");
        assertEquals(List.of("Request: GET /a b"), log);
    }

    @Test
    void keepsEachLogEntryOnOneLine() {
        get("/a%0Ab%7F");
        assertEquals(List.of("Request: GET /a\\x0ab\\x7f"), log);
    }

    @Test
    void passesTheArrivalTimeForTheScrapeDeadline() {
        long before = System.nanoTime();
        get("/metrics");
        long received = source.queries.getFirst().receivedNanos();
        assertTrue(received - before >= 0);
        assertTrue(System.nanoTime() - received >= 0);
    }

    @Test
    void writesTheBodyInBoundedSlices() throws IOException {
        for (int size : new int[] {0, 1, HttpResponse.WRITE_SLICE, HttpResponse.WRITE_SLICE + 1, 3 * HttpResponse.WRITE_SLICE + 7}) {
            byte[] body = new byte[size];
            new java.util.Random(size).nextBytes(body);
            var writes = new java.util.ArrayList<Integer>();
            var sink = new java.io.ByteArrayOutputStream() {
                @Override
                public void write(byte[] b, int off, int len) {
                    writes.add(len);
                    super.write(b, off, len);
                }
            };
            HttpResponse.of(200, "x", body).writeBody(sink);
            assertArrayEquals(body, sink.toByteArray(), "size " + size);
            assertTrue(writes.stream().allMatch(n -> n <= HttpResponse.WRITE_SLICE), "writes " + writes);
            assertEquals((size + HttpResponse.WRITE_SLICE - 1) / HttpResponse.WRITE_SLICE, writes.size());
        }
    }

    @Test
    void responseRecordsTakeTheirBodyOverWithoutACopy() {
        // A multi-megabyte scrape body is shared by coalesced requests: no copy on the way in or out.
        byte[] body = {1, 2};
        HttpResponse r = HttpResponse.of(200, "x", body);
        assertSame(body, r.buffer());
        assertEquals(2, r.bodyLength());
        assertFalse(r.close());
        assertEquals("200 OK (2 body bytes)", r.toString());
    }

    @Test
    void headersAreLookedUpCaseInsensitively() {
        HttpHeaders h = HttpHeaders.of("content-TYPE", "a", "Content-Type", "b");
        assertEquals("a", h.first("Content-Type").orElseThrow());
        assertEquals(List.of("a", "b"), h.all("CONTENT-type"));
        assertTrue(h.first("Host").isEmpty());
    }

    @Test
    void requestSplitsTargetLikeParseRequestUri() {
        HttpRequest r = HttpRequest.of("GET", "/p#frag?q=1?2", HttpHeaders.EMPTY, new byte[0]);
        assertEquals("/p#frag", r.rawPath());
        assertEquals("q=1?2", r.rawQuery());
        HttpRequest abs = HttpRequest.of("GET", "http://h:1/x/y?z", HttpHeaders.EMPTY, new byte[0]);
        assertEquals("/x/y", abs.rawPath());
        assertEquals("z", abs.rawQuery());
    }
}
