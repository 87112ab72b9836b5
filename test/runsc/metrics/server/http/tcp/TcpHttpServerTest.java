// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import runsc.metrics.server.http.Router;
import runsc.metrics.server.http.ServerSettings;

class TcpHttpServerTest {
    private static final Path SAMPLE = Path.of("test/resources/samples/upstream-metric-server-output.txt");

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private byte[] sample;
    private TcpHttpServer server;

    @BeforeEach
    void setUp() throws IOException {
        sample = Files.readAllBytes(SAMPLE);
        // Room for serves50ConcurrentRequests: under the default cap of 8 in-flight /metrics
        // requests, those that overlap get the documented 503 (RouterTest), more of them the
        // busier the machine.
        Router core = new Router(new ServerSettings("/run/runsc", 77, 50), (q, out) -> out.write(sample), () -> false,
                log::add);
        server = TcpHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), core, log::add);
    }

    @AfterEach
    void tearDown() {
        server.close();
        client.close();
    }

    private URI uri(String target) {
        return URI.create("http://127.0.0.1:" + server.address().getPort() + target);
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> get(String target) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(target)));
    }

    @Test
    void exposesTheBoundPort() {
        assertNotEquals(0, server.address().getPort());
    }

    @Test
    void servesMetricsWithContentTypeAndLength() throws Exception {
        HttpResponse<byte[]> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(String.valueOf(sample.length), r.headers().firstValue("Content-Length").orElseThrow());
        assertArrayEquals(sample, r.body());
    }

    @Test
    void matchesPathsExactlyDespitePrefixContexts() throws Exception {
        HttpResponse<byte[]> r = get("/metricsXYZ");
        assertEquals(404, r.statusCode());
        assertEquals("path not found\n", new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElseThrow());
    }

    @Test
    void answersHeadWithLengthAndNoBody() throws Exception {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri("/metrics")).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, r.statusCode());
        assertEquals(String.valueOf(sample.length), r.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(0, r.body().length);
    }

    @Test
    void rewritesEncodedQuestionMark() throws Exception {
        assertEquals(200, get("/metrics%3Frunsc-sandbox-metrics-filter%3Dfs_").statusCode());
        HttpResponse<byte[]> bad = get("/metrics%3Frunsc-sandbox-metrics-filter%3D(");
        assertEquals(400, bad.statusCode());
        assertEquals("provided metric filter is not a valid regular expression\n", new String(bad.body(), StandardCharsets.UTF_8));
    }

    @Test
    void readsHealthcheckFormBody() throws Exception {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri("/runsc-metrics/healthcheck"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("root=%2Frun%2Frunsc")));
        assertEquals(200, r.statusCode());
        assertEquals("runsc-metrics:OK", new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("text/plain; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void redirectsUncleanPaths() throws Exception {
        HttpResponse<byte[]> r = get("/a/../runsc-metrics/pid");
        assertEquals(301, r.statusCode());
        assertEquals("/runsc-metrics/pid", r.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void rejectsTooLargeBody() throws Exception {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri("/runsc-metrics/pid"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[TcpHttpServer.MAX_BODY_BYTES + 1])));
        assertEquals(413, r.statusCode());
        assertEquals("request body exceeds 65536 bytes\n", new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void serves50ConcurrentRequests() throws Exception {
        List<CompletableFuture<HttpResponse<byte[]>>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String target = i % 2 == 0 ? "/metrics" : "/runsc-metrics/pid";
            futures.add(client.sendAsync(HttpRequest.newBuilder(uri(target)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
        }
        for (CompletableFuture<HttpResponse<byte[]>> f : futures) {
            assertEquals(200, f.get().statusCode());
        }
    }

    @Test
    void keepsAConnectionForTwoRequests() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write("GET /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\n\r\nGET /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String text = "";
            while (text.split("\r\n\r\n77", -1).length < 3) {
                int c = in.read();
                assertTrue(c >= 0, "connection closed early after: " + text);
                text += (char) c;
            }
            assertTrue(text.startsWith("HTTP/1.1 200 OK\r\n"), text);
        }
    }

    @Test
    void reportsTheAddressWhenBindingFails() {
        InetSocketAddress taken = server.address();
        IOException e = assertThrows(IOException.class, () -> TcpHttpServer.start(taken, r -> null, log::add));
        assertTrue(e.getMessage().startsWith("cannot listen on TCP address \"" + taken.getHostString() + ":"
                + taken.getPort() + "\": "), e.getMessage());
    }

    @Test
    void setsTimeLimitsBeforeCreatingTheServer() {
        assertEquals("60", System.getProperty("sun.net.httpserver.maxReqTime"));
        assertEquals("60", System.getProperty("sun.net.httpserver.maxRspTime"));
        assertEquals("64", System.getProperty("jdk.httpserver.maxConnections"));
    }

    @Test
    void closeWaitsForARunningRequest() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Router slow = new Router(ServerSettings.of("/run/runsc", 77), (q, out) -> {
            entered.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write('x');
        }, () -> false, log::add);
        TcpHttpServer s = TcpHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), slow, log::add);
        try {
            URI target = URI.create("http://127.0.0.1:" + s.address().getPort() + "/metrics");
            CompletableFuture<HttpResponse<String>> response = client.sendAsync(
                    HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(entered.await(20, TimeUnit.SECONDS));
            Thread closer = Thread.ofVirtual().start(s::close);
            assertFalse(closer.join(Duration.ofMillis(300)), "close waits for the running request");
            release.countDown();
            assertEquals("x", response.get(20, TimeUnit.SECONDS).body());
            assertTrue(closer.join(Duration.ofSeconds(20)));
        } finally {
            release.countDown();
            s.close();
        }
    }

    @Test
    void refusesConnectionsAfterClose() {
        int port = server.address().getPort();
        server.close();
        assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
    }
}
