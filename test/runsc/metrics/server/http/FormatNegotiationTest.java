// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import runsc.metrics.exposition.ExpositionFormat;
import runsc.metrics.server.config.ServerConfig;

class FormatNegotiationTest {
    /** What Debian's Prometheus 2.42 sends (captured), as every 2.x from 2.33 to 2.48 does. */
    static final String PROMETHEUS_2 = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
            + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    /** Prometheus 2.49 to 2.55 with its default scrape_protocols. */
    static final String PROMETHEUS_2_49 = "application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;"
            + "version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";
    /** Prometheus 3.x with its default scrape_protocols. */
    static final String PROMETHEUS_3 = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,"
            + "application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,"
            + "text/plain;version=0.0.4;q=0.2,*/*;q=0.1";

    private static ExpositionFormat choose(String... accept) {
        return FormatNegotiation.choose(List.of(accept), true);
    }

    @Test
    void prometheusGetsOpenMetrics() {
        assertEquals(ExpositionFormat.OPENMETRICS, choose(PROMETHEUS_2));
        assertEquals(ExpositionFormat.OPENMETRICS, choose(PROMETHEUS_2_49));
        assertEquals(ExpositionFormat.OPENMETRICS, choose(PROMETHEUS_3));
    }

    @Test
    void theFlagOffGivesTextWhateverTheHeader() {
        for (String accept : List.of(PROMETHEUS_2, PROMETHEUS_3, "application/openmetrics-text")) {
            assertEquals(ExpositionFormat.TEXT, FormatNegotiation.choose(List.of(accept), false), accept);
        }
    }

    @Test
    void noHeaderWildcardsAndOtherTypesGetText() {
        assertEquals(ExpositionFormat.TEXT, choose());
        assertEquals(ExpositionFormat.TEXT, choose(""));
        assertEquals(ExpositionFormat.TEXT, choose("*/*"));
        assertEquals(ExpositionFormat.TEXT, choose("text/html,application/json"));
        assertEquals(ExpositionFormat.TEXT, choose("text/plain"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # Weights decide.
            application/openmetrics-text;q=0.4,text/plain;q=0.5                                 | TEXT
            text/plain;q=0.5,application/openmetrics-text;q=0.6                                 | OPENMETRICS
            # Equal weights: the one named first.
            application/openmetrics-text,text/plain                                             | OPENMETRICS
            text/plain,application/openmetrics-text                                             | TEXT
            # Case and spaces do not matter; a malformed q counts as 0.
            Application/OpenMetrics-Text; Version=1.0.0 ; Q=0.9 , text/plain;q=0.8              | OPENMETRICS
            application/openmetrics-text;q=high,text/plain;q=0.1                                | TEXT
            # q=0 rules OpenMetrics out, even under a wildcard.
            application/openmetrics-text;q=0                                                    | TEXT
            application/openmetrics-text;q=0,*/*                                                | TEXT
            application/openmetrics-text;q=0.000,application/*                                  | TEXT
            # Wildcards count where nothing more specific names a format.
            application/*,text/plain;q=0.5                                                      | OPENMETRICS
            application/*;q=0.5,text/*                                                          | TEXT
            text/plain;q=0,*/*;q=0.1                                                            | OPENMETRICS
            # Only OpenMetrics 1.0.0 is served.
            application/openmetrics-text;version=0.0.1,text/plain;q=0.5                         | TEXT
            application/openmetrics-text;version=2.0.0,text/plain;q=0.5                         | TEXT
            application/openmetrics-text;version="1.0.0",text/plain;q=0.5                       | OPENMETRICS
            """)
    void choosesTheFormatTheAcceptHeaderWeighsHighest(String accept, ExpositionFormat expected) {
        assertEquals(expected, choose(accept));
    }

    @Test
    void weighsAcrossSeveralAcceptHeaders() {
        assertEquals(ExpositionFormat.OPENMETRICS, choose("text/plain;q=0.5", "application/openmetrics-text"));
    }

    /** The router: without the flag, Prometheus's Accept gets today's bytes and headers, exactly. */
    @Test
    void routerWithoutTheFlagAnswersTextByteForByte() throws IOException {
        FakeMetricsSource source = FakeMetricsSource.sample();
        Router router = new Router(ServerConfig.of("/run/runsc", "/run/m.sock", "runsc_", 8), source, () -> false, s -> { });
        for (String accept : List.of(PROMETHEUS_2, PROMETHEUS_3, "application/openmetrics-text")) {
            HttpResponse r = router.handle(HttpRequest.of("GET", "/metrics", HttpHeaders.of("Accept", accept), new byte[0]));
            assertEquals(List.of(new Header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")), r.headers());
            assertArrayEquals(Files.readAllBytes(FakeMetricsSource.SAMPLE), r.bodyBytes());
            assertEquals(ExpositionFormat.TEXT, source.queries.getLast().format());
        }
    }

    /**
     * A scrape in one format is never shared with a request for the other: an OpenMetrics request
     * runs its own scrape while a text scrape with the same filters is still running.
     */
    @Test
    void requestsForTheTwoFormatsDoNotShareAScrape() throws Exception {
        CountDownLatch textStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<ExpositionFormat> asked = new CopyOnWriteArrayList<>();
        MetricsSource source = (query, out) -> {
            asked.add(query.format());
            if (query.format() == ExpositionFormat.TEXT) {
                textStarted.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            out.write(query.format().name().getBytes(StandardCharsets.US_ASCII));
        };
        Router router = new Router(ServerConfig.of("/run/runsc", "/run/m.sock", "runsc_", 8).withOpenMetrics(true), source,
                () -> false, s -> { });
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<HttpResponse> text = pool.submit(() -> router.handle(
                    HttpRequest.of("GET", "/metrics", HttpHeaders.EMPTY, new byte[0])));
            assertTrue(textStarted.await(10, TimeUnit.SECONDS));
            Future<HttpResponse> om = pool.submit(() -> router.handle(
                    HttpRequest.of("GET", "/metrics", HttpHeaders.of("Accept", PROMETHEUS_2), new byte[0])));
            try {
                assertEquals("OPENMETRICS", om.get(10, TimeUnit.SECONDS).bodyText());
            } finally {
                release.countDown();
            }
            assertEquals("TEXT", text.get(10, TimeUnit.SECONDS).bodyText());
        }
        assertEquals(List.of(ExpositionFormat.TEXT, ExpositionFormat.OPENMETRICS), asked);
    }

    @Test
    void routerWithTheFlagAsksTheSourceForTheNegotiatedFormatAndVariesOnAccept() {
        FakeMetricsSource source = FakeMetricsSource.text("x 1\n");
        Router router = new Router(ServerConfig.of("/run/runsc", "/run/m.sock", "runsc_", 8).withOpenMetrics(true), source,
                () -> false, s -> { });
        HttpResponse om = router.handle(HttpRequest.of("GET", "/metrics", HttpHeaders.of("Accept", PROMETHEUS_3), new byte[0]));
        assertEquals(ExpositionFormat.OPENMETRICS, source.queries.getLast().format());
        assertEquals("application/openmetrics-text; version=1.0.0; charset=utf-8", om.header("Content-Type"));
        assertEquals("Accept", om.header("Vary"));
        HttpResponse text = router.handle(HttpRequest.of("GET", "/metrics", HttpHeaders.EMPTY, new byte[0]));
        assertEquals(ExpositionFormat.TEXT, source.queries.getLast().format());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", text.header("Content-Type"));
        assertEquals("Accept", text.header("Vary"));
        HttpResponse index = router.handle(HttpRequest.of("GET", "/", HttpHeaders.of("Accept", PROMETHEUS_3), new byte[0]));
        assertNull(index.header("Vary"));
    }
}
