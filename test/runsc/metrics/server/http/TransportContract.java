// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.regex.Re2Pattern;
import runsc.metrics.server.config.TransportLimits;
import runsc.metrics.testing.ProjectFiles;

/**
 * What every transport does with the same router: one set of cases, run by a subclass per
 * transport. Where the JDK's server cannot behave like ours, the subclass states the difference as
 * an {@link Outcome} (docs/compatibility.md lists each), so that the case still runs and checks what
 * that transport does instead.
 */
public abstract class TransportContract {
    /** The upstream scrape the fake source serves. */
    protected static final Path SAMPLE = ProjectFiles.sample("upstream-metric-server-output.txt");
    /** The root the router is configured with. */
    protected static final String ROOT = "/run/runsc";
    /** What {@code /runsc-metrics/pid} answers. */
    protected static final String PID = Long.toString(ProcessHandle.current().pid());

    /** Log lines of the servers and the router. */
    protected final List<String> log = new CopyOnWriteArrayList<>();
    /** The body of {@code /metrics}. */
    protected byte[] sample;
    private final List<Closeable> started = new ArrayList<>();

    /**
     * One client connection, read and written as bytes.
     *
     * @param in what the server sends
     * @param out what goes to the server
     * @param socket closes the connection
     */
    public record RawConnection(InputStream in, OutputStream out, Closeable socket) implements Closeable {
        @Override
        public void close() throws IOException {
            socket.close();
        }

        /** Sends text as ISO-8859-1 bytes. */
        public void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** Reads one response; with {@code head} no body. */
        public RawResponses.Response read(boolean head) throws IOException {
            return RawResponses.parse(in, head);
        }
    }

    /** What a transport does with a request it will not serve. */
    public sealed interface Outcome {
        /** The connection gets this answer, then is closed. */
        record Answer(int status, String body) implements Outcome {}

        /** The connection is closed without an answer. */
        record Closed() implements Outcome {}

        /** The request is served like any other: the router answers it. */
        record Routed(int status) implements Outcome {}
    }

    /**
     * Starts a server of this transport on a fresh address; the contract closes it after the test.
     *
     * @param limits the limits in effect for this transport (see {@link #effective})
     * @param handler answers the requests
     * @return the server
     * @throws IOException if it cannot start
     */
    protected abstract Closeable startServer(TransportLimits limits, RequestHandler handler) throws IOException;

    /**
     * Opens a connection to the server started last.
     *
     * @return the connection
     * @throws IOException if it cannot connect
     */
    protected abstract RawConnection connect() throws IOException;

    /**
     * The limits a server of this transport applies when asked for {@code asked}.
     *
     * @param asked the limits passed to {@link #startServer}
     * @return the limits in effect
     */
    protected abstract TransportLimits effective(TransportLimits asked);

    /** What a connection over the cap gets. */
    protected abstract Outcome overTheCap(int cap);

    /** What a request line of 8193 bytes gets. */
    protected abstract Outcome longRequestLine();

    /** What a header section of 17 KiB gets. */
    protected abstract Outcome largeHeaderSection();

    /** What a POST with a 65537-byte body gets. */
    protected abstract Outcome largeBody();

    /** How long after a deadline this transport may take to close the connection. */
    protected abstract Duration deadlineSlack();

    /** When a connection that sends nothing at all is closed at the latest, counted from the connect. */
    protected abstract Duration silentConnectionDeadline(TransportLimits limits);

    /** The client this transport names for the connections of {@link #connect()} ({@link HttpRequest#client()}). */
    protected abstract String client();

    @BeforeEach
    void readSample() throws IOException {
        sample = Files.readAllBytes(SAMPLE);
    }

    @AfterEach
    void closeServers() throws IOException {
        for (Closeable c : started) {
            c.close();
        }
    }

    /** A router with room for 50 concurrent scrapes, serving {@link #sample}. */
    protected Router router() {
        return router((q, out) -> out.write(sample));
    }

    /** A router with room for 50 concurrent scrapes. */
    protected Router router(MetricsSource source) {
        return new Router(ServerConfig.of(ROOT, "test", "runsc_", 8).withMaxConcurrentScrapes(50), source, () -> false,
                log::add);
    }

    /** Starts a server with the router of {@link #router()} and the given limits. */
    protected final Closeable start(TransportLimits limits) throws IOException {
        return start(limits, router());
    }

    /** Starts a server with the limits this transport can apply of those asked for. */
    protected final Closeable start(TransportLimits limits, RequestHandler handler) throws IOException {
        Closeable server = startServer(effective(limits), handler);
        started.add(server);
        return server;
    }

    private void assertOutcome(Outcome expected, RawConnection c) throws IOException {
        switch (expected) {
            case Outcome.Answer a -> {
                RawResponses.Response r = c.read(false);
                assertEquals(a.status(), r.status());
                assertEquals(a.body(), r.body());
                assertClosed(c);
            }
            case Outcome.Routed routed -> assertEquals(routed.status(), c.read(false).status());
            case Outcome.Closed _ -> assertClosed(c);
        }
    }

    /** Asserts that the server has closed the connection: end of stream, or a reset when bytes were left unread. */
    protected static void assertClosed(RawConnection c) {
        try {
            assertEquals(-1, c.in().read());
        } catch (IOException e) {
            assertEquals("Connection reset", e.getMessage(), "the connection is still open (or failed otherwise)");
        }
    }

    @Test
    void namesTheClientOfEveryRequestOfAConnection() throws IOException {
        List<String> clients = new CopyOnWriteArrayList<>();
        start(TransportLimits.DEFAULTS, request -> {
            clients.add(request.client());
            return HttpResponse.of(200, HttpResponse.TEXT_PLAIN, new byte[] {'x'});
        });
        try (RawConnection c = connect()) {
            c.send("GET /a HTTP/1.1\r\nHost: localhost\r\n\r\nGET /b HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(200, c.read(false).status());
            assertEquals(200, c.read(false).status());
        }
        assertEquals(List.of(client(), client()), clients, "the client of each request");
    }

    @Test
    void servesMetricsWithContentTypeAndLength() throws IOException {
        start(TransportLimits.DEFAULTS);
        try (RawConnection c = connect()) {
            c.send("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawResponses.Response r = c.read(false);
            assertEquals(200, r.status());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().get("content-type"));
            assertEquals(String.valueOf(sample.length), r.headers().get("content-length"));
            assertArrayEquals(sample, r.body().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Asked for gzip, /metrics comes compressed (also for HEAD); not asked, byte for byte as before. */
    @Test
    void compressesMetricsForAClientThatTakesGzip() throws IOException {
        start(TransportLimits.DEFAULTS);
        try (RawConnection c = connect()) {
            c.send("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");
            RawResponses.Response r = c.read(false);
            assertEquals(200, r.status());
            assertEquals("gzip", r.headers().get("content-encoding"));
            assertEquals("Accept-Encoding", r.headers().get("vary"));
            assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().get("content-type"));
            try (InputStream gunzip = new GZIPInputStream(new ByteArrayInputStream(r.bodyBytes()))) {
                assertArrayEquals(sample, gunzip.readAllBytes());
            }
            c.send("HEAD /metrics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br, gzip;q=0.9\r\n\r\n");
            RawResponses.Response head = c.read(true);
            assertEquals(String.valueOf(r.bodyBytes().length), head.headers().get("content-length"));
            c.send("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip;q=0, identity\r\n\r\n");
            RawResponses.Response plain = c.read(false);
            assertFalse(plain.headers().containsKey("content-encoding"));
            assertFalse(plain.headers().containsKey("vary"));
            assertArrayEquals(sample, plain.bodyBytes());
        }
    }

    @Test
    void keepsTheConnectionAfterHeadAndClosesItWhenAsked() throws IOException {
        start(TransportLimits.DEFAULTS);
        try (RawConnection c = connect()) {
            c.send("HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
            RawResponses.Response head = c.read(true);
            assertEquals(200, head.status());
            assertEquals(String.valueOf(sample.length), head.headers().get("content-length"));
            c.send("GET /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(PID, c.read(false).body());
            c.send("GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            RawResponses.Response notFound = c.read(false);
            assertEquals(404, notFound.status());
            assertEquals("path not found\n", notFound.body());
            assertEquals("nosniff", notFound.headers().get("x-content-type-options"));
            assertClosed(c);
        }
    }

    @Test
    void servesPipelinedRequestsInOrder() throws IOException {
        start(TransportLimits.DEFAULTS);
        try (RawConnection c = connect()) {
            c.send("GET /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(PID, c.read(false).body());
            assertEquals(Router.INDEX_HTML, c.read(false).body());
        }
    }

    @Test
    void matchesPathsExactly() throws IOException {
        start(TransportLimits.DEFAULTS);
        try (RawConnection c = connect()) {
            c.send("GET /metricsXYZ HTTP/1.1\r\nHost: x\r\n\r\n");
            RawResponses.Response r = c.read(false);
            assertEquals(404, r.status());
            assertEquals("path not found\n", r.body());
        }
    }

    @Test
    void rewritesAnEncodedQuestionMark() throws IOException {
        start(TransportLimits.DEFAULTS);
        try (RawConnection c = connect()) {
            c.send("GET /metrics%3Frunsc-sandbox-metrics-filter%3Dfs_ HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, c.read(false).status());
            c.send("GET /metrics%3Frunsc-sandbox-metrics-filter%3D( HTTP/1.1\r\nHost: x\r\n\r\n");
            RawResponses.Response bad = c.read(false);
            assertEquals(400, bad.status());
            assertEquals("provided metric filter is not a valid regular expression\n", bad.body());
        }
    }

    /**
     * Characters Go's server takes raw in a query (curl sends them as typed) but a strict URI
     * parser rejects: each reaches the filter as sent, on one kept-alive connection. A bad
     * percent-encoding in another parameter drops that parameter only, as Go's form parsing does.
     */
    @Test
    void takesRawQueryCharactersAsGoDoes() throws IOException {
        start(TransportLimits.DEFAULTS, router((q, out) -> out.write(
                q.metricsFilter().map(Re2Pattern::source).orElse("-").getBytes(StandardCharsets.UTF_8))));
        List<String> filters = List.of("^fs_", "fs_|net_", "a{1,2}", "\\d", "[\"]", "[<>]", "[`]", "\\{x\\}");
        try (RawConnection c = connect()) {
            for (String filter : filters) {
                c.send("GET /metrics?runsc-sandbox-metrics-filter=" + filter + " HTTP/1.1\r\nHost: x\r\n\r\n");
                RawResponses.Response r = c.read(false);
                assertEquals(200, r.status(), filter);
                assertEquals(filter, r.body());
            }
            c.send("GET /metrics?x=%zz&runsc-sandbox-metrics-filter=^a%7Cb| HTTP/1.1\r\nHost: x\r\n\r\n");
            RawResponses.Response r = c.read(false);
            assertEquals(200, r.status());
            assertEquals("^a|b|", r.body());
        }
    }

    /** Go takes head lines ended by a bare LF; so does every transport. */
    @Test
    void answersHeadLinesEndedByABareLf() throws IOException {
        start(TransportLimits.DEFAULTS);
        try (RawConnection c = connect()) {
            c.send("GET /runsc-metrics/pid HTTP/1.1\nHost: x\n\n");
            assertEquals(PID, c.read(false).body());
            c.send("GET /runsc-metrics/pid HTTP/1.1\r\nHost: x\n\r\n");
            assertEquals(PID, c.read(false).body());
        }
    }

    /** Heads Go's server refuses get its refusal on every transport, then the connection closes. */
    @Test
    void refusesHeadsGoRefuses() throws IOException {
        start(TransportLimits.DEFAULTS);
        List<String> heads = List.of("GET /runsc-metrics/pid HTTP/1.1\r\n\r\n",
                "GET /runsc-metrics/pid HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
                "GET /runsc-metrics/pid HTTP/9.9\r\nHost: x\r\n\r\n");
        List<String> bodies = List.of("400 Bad Request: missing required Host header",
                "400 Bad Request: too many Host headers",
                "505 HTTP Version Not Supported: unsupported protocol version HTTP/9.9");
        for (int i = 0; i < heads.size(); i++) {
            try (RawConnection c = connect()) {
                c.send(heads.get(i));
                assertOutcome(new Outcome.Answer(Integer.parseInt(bodies.get(i).substring(0, 3)), bodies.get(i)), c);
            }
        }
        try (RawConnection c = connect()) {
            c.send("GET /runsc-metrics/pid HTTP/1.0\r\n\r\n");
            assertEquals(PID, c.read(false).body(), "HTTP/1.0 needs no Host");
        }
    }

    /** Targets the JDK finds no context for: {@code //metrics} (Go redirects it) and {@code OPTIONS *}. */
    @Test
    void routesTargetsWithoutAPlainPath() throws IOException {
        start(TransportLimits.DEFAULTS);
        try (RawConnection c = connect()) {
            c.send("GET //metrics HTTP/1.1\r\nHost: x\r\n\r\n");
            RawResponses.Response r = c.read(false);
            assertEquals(301, r.status());
            assertEquals("/metrics", r.headers().get("location"));
            c.send("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, c.read(false).status());
        }
    }

    @Test
    void readsTheHealthcheckFormBody() throws IOException {
        start(TransportLimits.DEFAULTS);
        try (RawConnection c = connect()) {
            c.send("POST /runsc-metrics/healthcheck HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 19\r\n\r\nroot=%2Frun%2Frunsc");
            RawResponses.Response r = c.read(false);
            assertEquals(200, r.status());
            assertEquals("runsc-metrics:OK", r.body());
            assertEquals("text/plain; charset=utf-8", r.headers().get("content-type"));
        }
    }

    @Test
    void redirectsUncleanPaths() throws IOException {
        start(TransportLimits.DEFAULTS);
        try (RawConnection c = connect()) {
            c.send("GET /a/../runsc-metrics/pid HTTP/1.1\r\nHost: x\r\n\r\n");
            RawResponses.Response r = c.read(false);
            assertEquals(301, r.status());
            assertEquals("/runsc-metrics/pid", r.headers().get("location"));
        }
    }

    @Test
    void boundsTheRequestBody() throws IOException {
        start(TransportLimits.DEFAULTS);
        try (RawConnection c = connect()) {
            int over = TransportLimits.DEFAULT_MAX_BODY_BYTES + 1;
            c.send("POST /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\nContent-Length: " + over + "\r\n\r\n");
            try {
                c.send("b".repeat(over));
            } catch (IOException e) {
                // A transport that answers from the Content-Length alone may have closed already.
            }
            assertOutcome(largeBody(), c);
        }
    }

    @Test
    void boundsTheRequestLine() throws IOException {
        start(TransportLimits.DEFAULTS);
        try (RawConnection c = connect()) {
            c.send("GET /" + "a".repeat(8192) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertOutcome(longRequestLine(), c);
        }
    }

    @Test
    void boundsTheHeaderSection() throws IOException {
        start(TransportLimits.DEFAULTS);
        try (RawConnection c = connect()) {
            c.send("GET / HTTP/1.1\r\nHost: x\r\n" + ("X-Big: " + "v".repeat(1000) + "\r\n").repeat(17) + "\r\n");
            assertOutcome(largeHeaderSection(), c);
        }
    }

    @Test
    void serves50ConcurrentRequests() throws Exception {
        // Room for 50 connections of one user, whoever runs the test.
        start(TransportLimits.DEFAULTS.withMaxConnections(256).withMaxConnectionsPerUser(128));
        try (ExecutorService pool = Executors.newFixedThreadPool(50)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String target = i % 2 == 0 ? "/metrics" : "/runsc-metrics/pid";
                results.add(pool.submit(() -> {
                    try (RawConnection c = connect()) {
                        c.send("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                        RawResponses.Response r = c.read(false);
                        String expected = target.equals("/metrics") ? new String(sample, StandardCharsets.UTF_8) : PID;
                        return r.body().equals(expected) ? r.status() : -1;
                    }
                }));
            }
            for (Future<Integer> f : results) {
                assertEquals(200, f.get(30, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void capsConnections() throws IOException {
        int cap = effective(TransportLimits.DEFAULTS.withMaxConnections(2)).maxConnections();
        start(TransportLimits.DEFAULTS.withMaxConnections(2));
        List<RawConnection> held = new ArrayList<>();
        try {
            for (int i = 0; i < cap; i++) {
                held.add(connect());
            }
            try (RawConnection over = connect()) {
                assertOutcome(overTheCap(cap), over);
            }
            RawConnection first = held.getFirst();
            first.send("GET /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(PID, first.read(false).body(), "a connection within the cap is served");
        } finally {
            for (RawConnection c : held) {
                c.close();
            }
        }
    }

    /** Waits for the server to close {@code c}, and returns how long that took from {@code sinceNanos}. */
    private static Duration closedAfter(RawConnection c, long sinceNanos) {
        assertClosed(c);
        return Duration.ofNanos(System.nanoTime() - sinceNanos);
    }

    @Test
    void closesAConnectionThatHasNotSentItsHeadWithinTheHeaderTimeout() throws IOException {
        TransportLimits limits = effective(TransportLimits.DEFAULTS);
        start(TransportLimits.DEFAULTS);
        try (RawConnection c = connect()) {
            long connected = System.nanoTime();
            c.send("GET /runsc-metrics/pid HTTP/1.1\r\n");
            Duration open = closedAfter(c, connected);
            assertTrue(open.compareTo(limits.headerTimeout().plus(deadlineSlack())) <= 0,
                    "closed after " + open + ", header timeout " + limits.headerTimeout());
        }
    }

    @Test
    void closesASilentConnection() throws IOException {
        TransportLimits limits = effective(TransportLimits.DEFAULTS);
        start(TransportLimits.DEFAULTS);
        try (RawConnection c = connect()) {
            long connected = System.nanoTime();
            Duration open = closedAfter(c, connected);
            assertTrue(open.compareTo(silentConnectionDeadline(limits).plus(deadlineSlack())) <= 0, "closed after " + open);
        }
    }

    /**
     * Stalled clients that fill the cap and then never read (as a hostile client does) hold it
     * until their header deadlines and no longer: the first slot serves again once the first of
     * them is past its deadline, counted from its accept. Filling the cap can itself take longer
     * than a header deadline on a loaded machine (a TLS handshake per connection), and then the
     * first slot may be free before the cap is ever full.
     */
    @Test
    void servesAHealthcheckSoonAfterStalledConnectionsFilledTheCap() throws Exception {
        TransportLimits limits = effective(TransportLimits.DEFAULTS);
        start(TransportLimits.DEFAULTS);
        List<RawConnection> held = new ArrayList<>();
        try {
            long first = System.nanoTime();
            for (int i = 0; i < limits.maxConnections(); i++) {
                RawConnection c = connect();
                held.add(c);
                c.send("G");
            }
            long filled = System.nanoTime();
            String atFirst = healthcheckFailure();
            Duration probed = Duration.ofNanos(System.nanoTime() - first);
            assertTrue(atFirst != null || probed.compareTo(limits.headerTimeout()) >= 0,
                    "a healthcheck was answered " + probed + " after the first stalled connection, before its header deadline");
            Duration bound = limits.headerTimeout().plus(deadlineSlack()).plusSeconds(1);
            while (true) {
                String failure = healthcheckFailure();
                if (failure == null) {
                    break;
                }
                Duration waited = Duration.ofNanos(System.nanoTime() - first);
                assertTrue(waited.compareTo(bound) < 0, "no healthcheck answered within " + waited
                        + " of the first stalled connection; the last attempt: " + failure + "; log: " + log);
                Thread.sleep(200);
            }
            // Each stalled connection ends at its header deadline, counted from its accept, which
            // came before the cap was filled.
            Duration closeBound = limits.headerTimeout().plus(deadlineSlack());
            for (RawConnection c : held) {
                assertClosed(c);
                Duration waited = Duration.ofNanos(System.nanoTime() - filled);
                assertTrue(waited.compareTo(closeBound) <= 0, "a stalled connection was still open " + waited
                        + " after the cap was filled");
            }
        } finally {
            for (RawConnection c : held) {
                c.close();
            }
        }
    }

    /** Asks for a healthcheck on a new connection: null if it was answered 200, else what happened. */
    private String healthcheckFailure() {
        try (RawConnection c = connect()) {
            c.send("GET /runsc-metrics/healthcheck?root=" + ROOT + " HTTP/1.1\r\nHost: x\r\n\r\n");
            int status = c.read(false).status();
            return status == 200 ? null : "status " + status;
        } catch (IOException e) {
            return e.toString(); // closed over the cap without an answer
        }
    }

    @Test
    void letsAnAnsweredConnectionIdleLongerThanTheHeaderTimeout() throws Exception {
        TransportLimits asked = TransportLimits.DEFAULTS.withTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(1),
                Duration.ofSeconds(60), Duration.ofSeconds(60));
        TransportLimits limits = effective(asked);
        start(asked);
        try (RawConnection c = connect()) {
            c.send("GET /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(PID, c.read(false).body());
            Thread.sleep(limits.headerTimeout().plusMillis(1500));
            c.send("GET /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(PID, c.read(false).body(), "the idle timeout, not the header timeout, applies between requests");
        }
    }

    @Test
    void closeLetsARunningRequestFinishWithConnectionClose() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Closeable server = start(TransportLimits.DEFAULTS, router((q, out) -> {
            entered.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write("# slow\n".getBytes(StandardCharsets.UTF_8));
        }));
        try (RawConnection c = connect()) {
            c.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(entered.await(20, TimeUnit.SECONDS));
            Thread closer = Thread.ofVirtual().start(() -> {
                try {
                    server.close();
                } catch (IOException e) {
                    fail(e);
                }
            });
            assertFalse(closer.join(Duration.ofMillis(300)), "close waits for the running request");
            release.countDown();
            RawResponses.Response r = c.read(false);
            assertEquals(200, r.status());
            assertEquals("# slow\n", r.body());
            assertEquals("close", r.headers().get("connection"));
            assertTrue(closer.join(Duration.ofSeconds(20)));
        } finally {
            release.countDown();
        }
    }

    @Test
    void closeEndsIdleKeepAliveConnectionsAtOnceAndRefusesNewOnes() throws IOException {
        Closeable server = start(TransportLimits.DEFAULTS);
        try (RawConnection c = connect()) {
            c.send("GET /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(PID, c.read(false).body());
            long start = System.nanoTime();
            server.close();
            assertClosed(c);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
        }
        try (RawConnection refused = connect()) {
            fail("connected after close: " + refused);
        } catch (IOException expected) {
            // Nobody listens any more.
        }
    }
}
