// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.server.config.TlsSettings;
import runsc.metrics.server.config.TransportLimits;
import runsc.metrics.server.http.RawResponses;
import runsc.metrics.server.http.RefusalBudget;
import runsc.metrics.server.http.Router;
import runsc.metrics.server.http.tls.TlsContext;
import runsc.metrics.testing.Proc;
import runsc.metrics.testing.ProcResult;
import runsc.metrics.testing.TestCertificates;
import runsc.metrics.testing.Tools;

/**
 * A client whose refused requests used up its budget is answered 429 as the TCP front accepts its
 * connection, before any request byte, and closed unanswered under TLS; other clients are served
 * meanwhile, and the client itself once its bucket has refilled. The budget's clock is the test's.
 */
class RefusedAtAcceptTest {
    private static final long SECOND = 1_000_000_000L;
    private static final String ATTACKER = "127.0.0.1";
    private static final String OTHER = "127.0.0.2";
    private static final String BAD_FILTER = "/metrics?" + Router.METRICS_FILTER_PARAM + "=%28";
    /** Long enough for any answer on a loaded machine, far shorter than the 5 s head deadline. */
    private static final int READ_MILLIS = 4_000;
    @RegisterExtension
    static final TestCertificates certs = TestCertificates.perClass();

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final AtomicLong now = new AtomicLong(10 * SECOND);
    private final RefusalBudget budget = new RefusalBudget(RefusalBudget.BURST, RefusalBudget.REFILL_PER_SECOND,
            RefusalBudget.MAX_CLIENTS, now::get);
    private final List<TcpHttpServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(TcpHttpServer::close);
    }

    private TcpHttpServer start(Optional<TlsSettings> tls) throws Exception {
        Router router = new Router(ServerConfig.of("/run/runsc", "127.0.0.1:0", "runsc_", 8),
                (q, out) -> out.write("x 1\n".getBytes(StandardCharsets.UTF_8)), List::of, () -> false, log::add, budget);
        Optional<TlsContext> context = tls.isEmpty() ? Optional.empty() : Optional.of(TlsContext.load(tls.get(), log::add));
        // On every address of the loopback network, so that 127.0.0.2 is another client.
        TcpHttpServer server = TcpHttpServer.start(new InetSocketAddress("0.0.0.0", 0), TransportLimits.DEFAULTS, router,
                context, log::add);
        servers.add(server);
        return server;
    }

    private static Socket connect(TcpHttpServer server, String from) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", server.address().getPort()), 10_000);
        socket.setSoTimeout(READ_MILLIS);
        return socket;
    }

    /** One request on a connection of its own. */
    private static RawResponses.Response get(TcpHttpServer server, String from, String target) throws IOException {
        try (Socket socket = connect(server, from)) {
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return RawResponses.parse(socket.getInputStream(), false);
        }
    }

    /** What a new connection receives before it sends anything: everything up to the server's close. */
    private static byte[] answerBeforeAnyRequest(TcpHttpServer server, String from) throws IOException {
        try (Socket socket = connect(server, from)) {
            return socket.getInputStream().readAllBytes();
        }
    }

    @Test
    void aClientThatSpentItsBudgetGets429AtAcceptUntilTheRefill() throws Exception {
        TcpHttpServer server = start(Optional.empty());
        // A connection opened before the budget is spent: its next request gets the router's 429.
        try (Socket open = connect(server, ATTACKER)) {
            for (int i = 0; i < RefusalBudget.BURST; i++) {
                assertEquals(400, get(server, ATTACKER, BAD_FILTER).status(), "bad filter " + i);
            }
            int requestsLogged = requestLines();
            byte[] refused = answerBeforeAnyRequest(server, ATTACKER);
            RawResponses.Response r = RawResponses.parse(new ByteArrayInputStream(refused), false);
            assertEquals(429, r.status(), r.body());
            assertEquals("1", r.headers().get("retry-after"));
            assertEquals("close", r.headers().get("connection"));
            assertTrue(r.body().startsWith("too many refused /metrics requests from this client"), r.body());
            assertEquals(requestsLogged, requestLines(), "the refused connection reached the router");

            assertEquals(200, get(server, OTHER, "/metrics").status(), "another client was refused");

            open.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            // Read to the end: the 429 closes the connection. The JDK's server writes no reason
            // phrase for 429 (RFC 9112 lets it be empty), so the head is checked as text.
            String onOpen = new String(open.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(onOpen.startsWith("HTTP/1.1 429 "), onOpen);
            String head = onOpen.substring(0, onOpen.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
            assertTrue(head.contains("\r\nretry-after: 1\r\n"), onOpen);
            assertTrue(head.contains("\r\nconnection: close\r\n"), onOpen);
        }
        now.addAndGet(SECOND);
        assertEquals(200, get(server, ATTACKER, "/metrics").status(), "not served after the refill");
    }

    private int requestLines() {
        return (int) log.stream().filter(l -> l.startsWith("Request: ")).count();
    }

    @Test
    void underTlsARefusedClientIsClosedWithoutAnAnswer() throws Exception {
        Tools.assume("curl", "curl");
        TcpHttpServer server = start(Optional.of(new TlsSettings(certs.serverCert(), certs.serverKey(), Optional.empty(),
                TlsSettings.ClientAuth.NONE)));
        int port = server.address().getPort();
        assertEquals(0, curl(port).exitCode(), "served before the budget is spent");
        budget.charge(ATTACKER, RefusalBudget.BURST);
        byte[] answer;
        try {
            answer = answerBeforeAnyRequest(server, ATTACKER);
        } catch (SocketException e) {
            answer = new byte[0]; // a reset is a close too
        }
        assertEquals(0, answer.length, "plain text written into a TLS connection: "
                + new String(answer, StandardCharsets.ISO_8859_1));
        ProcResult refused = curl(port);
        assertTrue(refused.exitCode() != 0, "curl was served while refused");
        assertTrue(log.stream().noneMatch(l -> l.startsWith("tls: handshake")), "a refused connection was handshaken: " + log);
        now.addAndGet(SECOND);
        ProcResult again = curl(port);
        assertEquals(0, again.exitCode(), "not served after the refill: " + again.stderr());
    }

    private static ProcResult curl(int port) throws IOException {
        return Proc.run(List.of(Tools.find("curl").orElseThrow().toString(), "--silent", "--show-error", "--fail",
                "--max-time", "20", "--cacert", certs.ca().toString(), "https://127.0.0.1:" + port + "/metrics"));
    }
}
