// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.server.config.TransportLimits;
import runsc.metrics.server.http.Router;
import runsc.metrics.testing.ProjectFiles;

class TcpHttpServerTest {
    private static final Path SAMPLE = ProjectFiles.sample("upstream-metric-server-output.txt");

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private byte[] sample;
    private TcpHttpServer server;

    @BeforeEach
    void setUp() throws IOException {
        sample = Files.readAllBytes(SAMPLE);
        Router router = new Router(ServerConfig.of("/run/runsc", "127.0.0.1:0", "runsc_", 8), (q, out) -> out.write(sample),
                () -> false, log::add);
        server = TcpHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TransportLimits.DEFAULTS,
                router, log::add);
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
    void namesEachClientByItsAddress() throws IOException {
        List<String> clients = new CopyOnWriteArrayList<>();
        try (TcpHttpServer s = TcpHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                TransportLimits.DEFAULTS, request -> {
                    clients.add(request.client());
                    return runsc.metrics.server.http.HttpResponse.of(200, "text/plain", new byte[] {'x'});
                }, log::add)) {
            for (String from : List.of("127.0.0.2", "127.0.0.1")) {
                try (Socket socket = new Socket()) {
                    socket.bind(new InetSocketAddress(from, 0));
                    socket.connect(s.address(), 10_000);
                    socket.setSoTimeout(20_000);
                    socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                    assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
                }
            }
        }
        assertEquals(List.of("127.0.0.2", "127.0.0.1"), clients, "the client of each request, by its source address");
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
    void answersHeadWithLengthAndNoBody() throws Exception {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri("/metrics")).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, r.statusCode());
        assertEquals(String.valueOf(sample.length), r.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(0, r.body().length);
    }

    @Test
    void reportsTheAddressWhenBindingFails() {
        InetSocketAddress taken = server.address();
        IOException e = assertThrows(IOException.class,
                () -> TcpHttpServer.start(taken, TransportLimits.DEFAULTS, r -> null, log::add));
        assertTrue(e.getMessage().startsWith("cannot listen on TCP address \"" + taken.getHostString() + ":"
                + taken.getPort() + "\": "), e.getMessage());
    }

    @Test
    void setsTimeLimitsBeforeCreatingTheServer() {
        assertEquals("5", System.getProperty("sun.net.httpserver.maxReqTime"), "the header deadline");
        assertEquals("60", System.getProperty("sun.net.httpserver.idleInterval"));
        assertEquals("60", System.getProperty("sun.net.httpserver.maxRspTime"));
        assertEquals("64", System.getProperty("jdk.httpserver.maxConnections"));
    }

}
