// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.unix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.server.config.TransportLimits;
import runsc.metrics.server.http.MetricsSource;
import runsc.metrics.server.http.Router;

class Http11ConnectionTest {
    /** Records the deadlines armed, never expires. */
    static final class RecordingControl implements ConnectionControl {
        final List<Duration> armed = new ArrayList<>();
        boolean closing;

        @Override
        public void arm(Duration timeout) {
            armed.add(timeout);
        }

        @Override
        public void idle(boolean idle) {
        }

        @Override
        public boolean closing() {
            return closing;
        }

        @Override
        public String client() {
            return "user test";
        }
    }

    static final MetricsSource METRICS = (q, out) -> out.write("# metrics\n".getBytes(StandardCharsets.UTF_8));
    /** Idle 1 s, head 4 s, body 2 s, response 3 s. */
    static final TransportLimits LIMITS = TransportLimits.DEFAULTS.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(4),
            Duration.ofSeconds(2), Duration.ofSeconds(3)).withMaxConnections(4);
    /** What {@code /runsc-metrics/pid} answers. */
    static final String PID = Long.toString(ProcessHandle.current().pid());

    private final RecordingControl control = new RecordingControl();

    static Http11Connection connection() {
        return new Http11Connection(new Router(ServerConfig.of("/run/runsc", "/run/m.sock", "runsc_", 8), METRICS,
                () -> false, s -> { }), LIMITS, s -> { });
    }

    private String converse(String requests) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        connection().serve(new ByteArrayInputStream(requests.getBytes(StandardCharsets.ISO_8859_1)), out, control);
        return out.toString(StandardCharsets.ISO_8859_1).replaceAll("Date: [^\r]*\r\n", "");
    }

    @Test
    void servesTwoRequestsOnOneConnection() throws IOException {
        String out = converse("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: 10\r\n\r\n"
                + "# metrics\n"
                + "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + PID.length() + "\r\n\r\n" + PID, out);
        // The first head is due from the accept, later ones from their first byte after an idle wait.
        assertEquals(List.of(Duration.ofSeconds(4), Duration.ofSeconds(2), Duration.ofSeconds(3),
                Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(2), Duration.ofSeconds(3),
                Duration.ofSeconds(1)), control.armed);
    }

    @Test
    void answersHeadWithLengthButNoBodyAndKeepsGoing() throws IOException {
        String out = converse("HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: 10\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + PID.length() + "\r\n\r\n" + PID, out);
    }

    @Test
    void stopsAfterConnectionClose() throws IOException {
        String out = converse("GET /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                + "GET /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + PID.length() + "\r\n"
                + "Connection: close\r\n\r\n" + PID, out);
    }

    @Test
    void closesHttp10UnlessKeepAliveIsAsked() throws IOException {
        assertTrue(converse("GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\n\r\n").endsWith("Connection: close\r\n\r\n"
                + Router.INDEX_HTML));
        String kept = converse("GET /runsc-metrics/pid HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assertTrue(kept.contains("Connection: keep-alive\r\n"), kept);
    }

    @Test
    void endsTheConnectionWhenTheServerIsClosing() throws IOException {
        control.closing = true;
        String out = converse("GET /runsc-metrics/pid HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(out.endsWith("Connection: close\r\n\r\n" + PID), out);
    }

    @Test
    void requiresExactlyOneHostInHttp11() throws IOException {
        assertEquals("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 45\r\n"
                + "Connection: close\r\n\r\n400 Bad Request: missing required Host header", converse("GET / HTTP/1.1\r\n\r\n"));
        assertTrue(converse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").endsWith("400 Bad Request: too many Host headers"));
    }

    @Test
    void readsPostBodyAfterSendingContinue() throws IOException {
        String out = converse("POST /runsc-metrics/healthcheck HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 15\r\n\r\nroot=/run/runsc");
        assertEquals("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 16\r\n\r\nrunsc-metrics:OK", out);
    }

    @Test
    void answersProtocolErrorAndCloses() throws IOException {
        String out = converse("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n");
        assertEquals("HTTP/1.1 411 Length Required\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 82\r\n"
                + "Connection: close\r\n\r\n411 Length Required: chunked request bodies are not supported; send Content-Length", out);
    }

    @Test
    void closesSilentlyOnEmptyInput() throws IOException {
        assertEquals("", converse(""));
    }
}
