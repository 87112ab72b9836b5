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
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.server.config.TlsSettings;
import runsc.metrics.server.config.TlsSettings.ClientAuth;
import runsc.metrics.server.config.TransportLimits;
import runsc.metrics.server.http.Router;
import runsc.metrics.server.http.tls.TlsContext;
import runsc.metrics.testing.Proc;
import runsc.metrics.testing.ProcResult;
import runsc.metrics.testing.ProjectFiles;
import runsc.metrics.testing.ScratchDir;
import runsc.metrics.testing.TestCertificates;
import runsc.metrics.testing.Tools;

/**
 * TLS ended in the front, against real curl with certificates made by openssl: client
 * certificates required, optional or not asked for, a wrong CA, expired certificates, TLS 1.2 and
 * 1.3, the handshake deadline, clients that do not speak TLS, and files replaced while serving.
 * The JDK's server runs with the default limits, as in every test of this JVM (it reads them once).
 */
class TlsFrontTest {
    private static final Path SAMPLE = ProjectFiles.sample("upstream-metric-server-output.txt");
    /** How long after the head deadline a connection may still be open (scheduling under load). */
    private static final Duration SLACK = Duration.ofSeconds(3);
    @RegisterExtension
    static final TestCertificates certs = TestCertificates.perClass();

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<TcpHttpServer> servers = new ArrayList<>();
    private byte[] sample;

    @BeforeAll
    static void needCurl() {
        Tools.assume("curl", "curl");
    }

    @BeforeEach
    void readSample() throws IOException {
        sample = Files.readAllBytes(SAMPLE);
    }

    @AfterEach
    void stopServers() {
        servers.forEach(TcpHttpServer::close);
    }

    private int start(TlsSettings settings) throws Exception {
        Router router = new Router(ServerConfig.of("/run/runsc", "127.0.0.1:0", "runsc_", 8), (q, out) -> out.write(sample),
                () -> false, log::add);
        TcpHttpServer server = TcpHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                TransportLimits.DEFAULTS, router, Optional.of(TlsContext.load(settings, log::add)), log::add);
        servers.add(server);
        return server.address().getPort();
    }

    private int start(ClientAuth auth) throws Exception {
        return start(new TlsSettings(certs.serverCert(), certs.serverKey(),
                auth == ClientAuth.NONE ? Optional.empty() : Optional.of(certs.ca()), auth));
    }

    /** What curl did: its exit status, the body and its error text. */
    private record Fetch(int exit, byte[] body, String stderr) {
        boolean ok() {
            return exit == 0;
        }
    }

    /** {@code curl https://127.0.0.1:PORT/metrics} trusting the test CA, with extra options. */
    private static Fetch curl(int port, String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of(Tools.find("curl").orElseThrow().toString(), "--silent",
                "--show-error", "--fail", "--max-time", "20", "--cacert", certs.ca().toString()));
        command.addAll(List.of(options));
        command.add("https://127.0.0.1:" + port + "/metrics");
        ProcResult r = Proc.run(command);
        return new Fetch(r.exitCode(), r.output(), r.stderr());
    }

    private static String[] withCert(Path cert, Path key) {
        return new String[] {"--cert", cert.toString(), "--key", key.toString()};
    }

    /** How long a failed handshake may take to reach the log after its client has gone. */
    private static final Duration LOGGED = Duration.ofSeconds(10);

    private long handshakeFailures() {
        return log.stream().filter(l -> l.startsWith("tls: handshake with ")).count();
    }

    @Test
    void requiredClientCertificatesMustBeSignedByTheCaAndValid() throws Exception {
        int port = start(ClientAuth.REQUIRED);
        Fetch good = curl(port, withCert(certs.clientCert(), certs.clientKey()));
        assertTrue(good.ok(), good.stderr());
        assertArrayEquals(sample, good.body());

        Fetch none = curl(port);
        assertNotEquals(0, none.exit(), "served without a client certificate");
        assertTrue(none.stderr().contains("certificate required"), none.stderr());
        Fetch stranger = curl(port, withCert(certs.strangerCert(), certs.strangerKey()));
        assertNotEquals(0, stranger.exit(), "served a client certificate of another CA");
        Fetch expired = curl(port, withCert(certs.expiredClientCert(), certs.expiredClientKey()));
        assertNotEquals(0, expired.exit(), "served an expired client certificate");
        // The server logs a failed handshake after its alert is on the way, so curl can exit first.
        Tools.await(LOGGED, "the three failed handshakes in the log, the expired certificate's naming its validity",
                () -> handshakeFailures() == 3
                        && log.stream().anyMatch(l -> l.startsWith("tls: handshake with ") && l.contains("validity")));
        assertEquals(3, handshakeFailures(), log::toString);
        assertTrue(curl(port, withCert(certs.clientCert(), certs.clientKey())).ok(), "the failures cost the server");
    }

    @Test
    void optionalClientCertificatesAreVerifiedWhenGiven() throws Exception {
        int port = start(ClientAuth.OPTIONAL);
        Fetch none = curl(port);
        assertTrue(none.ok(), none.stderr());
        assertArrayEquals(sample, none.body());
        assertTrue(curl(port, withCert(certs.clientCert(), certs.clientKey())).ok());
        assertNotEquals(0, curl(port, withCert(certs.strangerCert(), certs.strangerKey())).exit());
        assertNotEquals(0, curl(port, withCert(certs.expiredClientCert(), certs.expiredClientKey())).exit());
    }

    @Test
    void servesTls12AndTls13AndNothingOlder() throws Exception {
        int port = start(ClientAuth.NONE);
        Fetch tls12 = curl(port, "--tlsv1.2", "--tls-max", "1.2", "--verbose");
        assertTrue(tls12.ok(), tls12.stderr());
        assertTrue(tls12.stderr().contains("SSL connection using TLSv1.2"), tls12.stderr());
        Fetch tls13 = curl(port, "--tlsv1.3", "--verbose");
        assertTrue(tls13.ok(), tls13.stderr());
        assertTrue(tls13.stderr().contains("SSL connection using TLSv1.3"), tls13.stderr());
        assertNotEquals(0, curl(port, "--tlsv1", "--tls-max", "1.1").exit(), "TLS 1.1 was accepted");
    }

    @Test
    void anExpiredServerCertificateStartsWithANoticeAndClientsRefuseIt() throws Exception {
        int port = start(new TlsSettings(certs.expiredServerCert(), certs.serverKey(), Optional.empty(), ClientAuth.NONE));
        assertTrue(log.stream().anyMatch(l -> l.equals("tls: the certificate of TLS certificate file \""
                + certs.expiredServerCert() + "\" expired at 2020-01-02T00:00:00Z: clients will refuse it until the file "
                + "is replaced")), log::toString);
        assertEquals(60, curl(port).exit(), "curl accepted an expired certificate"); // CURLE_PEER_FAILED_VERIFICATION
        assertTrue(curl(port, "--insecure").ok());
    }

    @Test
    void plainHttpGetsGosAnswerAndGarbageIsClosedWhileAGoodClientIsServed() throws Exception {
        int port = start(ClientAuth.NONE);
        try (Socket plain = connect(port); Socket garbage = connect(port)) {
            plain.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            garbage.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5, 6, 7, 8});
            assertEquals("HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n",
                    new String(plain.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            byte[] answer = garbage.getInputStream().readAllBytes(); // up to the close
            assertTrue(answer.length == 0 || answer[0] == 0x15, "not a TLS alert before the close");
            assertTrue(curl(port).ok());
        }
        Tools.await(LOGGED, "the two failed handshakes in the log", () -> handshakeFailures() == 2);
        assertEquals(2, handshakeFailures(), log::toString);
    }

    @Test
    void silentAndTricklingClientsAreClosedAtTheHeadDeadlineAndHoldUpNoOneElse() throws Exception {
        int port = start(ClientAuth.NONE);
        Duration deadline = TransportLimits.DEFAULTS.headerTimeout();
        long connected = System.nanoTime();
        try (Socket silent = connect(port); Socket trickling = connect(port)) {
            // A TLS record header announcing 512 bytes, then a byte a second: each read of the
            // handshake would wait for the next byte, so only a deadline on the whole handshake ends it.
            trickling.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00});
            Thread feeder = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 20; i++) {
                        Thread.sleep(1000);
                        trickling.getOutputStream().write(1);
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the server: the point
                }
            });
            // The handshakes wait on their own threads: another client is served meanwhile.
            assertTrue(curl(port).ok());
            assertStillOpen(silent);
            assertClosed(silent);
            assertClosed(trickling);
            Duration open = Duration.ofNanos(System.nanoTime() - connected);
            assertTrue(open.compareTo(deadline.minusMillis(500)) > 0 && open.compareTo(deadline.plus(SLACK)) < 0,
                    "closed after " + open);
            feeder.interrupt();
        }
    }

    /**
     * A client that pipelines many requests, never reads, and leaves its last head unfinished is
     * cut off at the head deadline, as over plain TCP, although the relay's write of the answers to
     * it is blocked (and closing a TLS socket sends an alert).
     */
    @Test
    void aClientThatDoesNotReadIsCutOffAtTheHeadDeadline() throws Exception {
        int port = start(ClientAuth.NONE);
        int requests = 4000; // about 27 MB of answers, more than the socket buffers hold
        try (SSLSocket s = (SSLSocket) certs.clientContext().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(20_000);
            s.startHandshake();
            byte[] request = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < requests; i++) {
                s.getOutputStream().write(request);
            }
            s.getOutputStream().write("GET /metrics HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            Thread.sleep(TransportLimits.DEFAULTS.headerTimeout().plus(SLACK).toMillis());
            long received = 0;
            byte[] buf = new byte[64 * 1024];
            try {
                for (int n; (n = s.getInputStream().read(buf)) >= 0; ) {
                    received += n;
                }
            } catch (IOException e) {
                // The server's close, seen as a reset or a TLS error: what came before it counts.
            }
            assertTrue(received < (long) requests * sample.length, "the connection outlived its head deadline: "
                    + received + " bytes, every answer");
        }
    }

    @Test
    void replacedFilesServeTheNextHandshakeAndABrokenReplacementKeepsTheOldPair() throws Exception {
        try (ScratchDir live = ScratchDir.create("tlslive")) {
            Path cert = live.resolve("server.pem");
            Path key = live.resolve("server.key");
            Files.copy(certs.serverCert(), cert);
            Files.copy(certs.serverKey(), key);
            int port = start(new TlsSettings(cert, key, Optional.empty(), ClientAuth.NONE));
            assertEquals("CN=localhost", serverSubject(port));

            certs.run("ecparam", "-name", "prime256v1", "-genkey", "-out", "renewed.key");
            certs.run("req", "-new", "-key", "renewed.key", "-subj", "/CN=renewed", "-out", "renewed.csr");
            certs.run("x509", "-req", "-in", "renewed.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-days", "30",
                    "-out", "renewed.pem");
            replace(certs.file("renewed.pem"), cert); // its key comes later: a mismatch meanwhile
            // The files are looked at when a handshake chooses its key, at most once a second.
            Tools.await(Duration.ofSeconds(20), "the refusal of a certificate without its key",
                    () -> serverSubject(port).equals("CN=localhost") && log.stream().anyMatch(
                            l -> l.startsWith("tls: keeping the TLS certificate and key read before") && l.contains("does not match")));
            assertEquals("CN=localhost", serverSubject(port), "a broken pair replaced the working one");

            replace(certs.file("renewed.key"), key);
            Tools.await(Duration.ofSeconds(20), "the renewed certificate", () -> serverSubject(port).equals("CN=renewed"));
            assertTrue(log.stream().anyMatch(l -> l.startsWith("tls: re-read the TLS certificate and key")), log::toString);
        }
    }

    /** A certificate file with the server's certificate and an intermediate CA: clients that trust the root need both. */
    @Test
    void servesTheWholeChainOfTheCertificateFile() throws Exception {
        Files.writeString(certs.file("intermediate.ext"), "basicConstraints=critical,CA:TRUE\n"
                + "keyUsage=critical,keyCertSign,cRLSign\n");
        certs.run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "intermediate.key");
        certs.run("req", "-new", "-key", "intermediate.key", "-subj", "/CN=intermediate", "-out", "intermediate.csr");
        certs.run("x509", "-req", "-in", "intermediate.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-days", "30",
                "-extfile", "intermediate.ext", "-out", "intermediate.pem");
        certs.run("req", "-new", "-key", "server.key", "-subj", "/CN=localhost", "-out", "leaf.csr");
        certs.run("x509", "-req", "-in", "leaf.csr", "-CA", "intermediate.pem", "-CAkey", "intermediate.key", "-days", "30",
                "-extfile", "server.ext", "-out", "leaf.pem");
        Path chain = Files.writeString(certs.file("chain.pem"), Files.readString(certs.file("leaf.pem"))
                + Files.readString(certs.file("intermediate.pem")));
        int port = start(new TlsSettings(chain, certs.serverKey(), Optional.empty(), ClientAuth.NONE));
        Fetch fetch = curl(port);
        assertTrue(fetch.ok(), fetch.stderr());
        int leafOnly = start(new TlsSettings(certs.file("leaf.pem"), certs.serverKey(), Optional.empty(), ClientAuth.NONE));
        assertNotEquals(0, curl(leafOnly).exit(), "the test proves nothing: curl verified the leaf without the intermediate");
    }

    @Test
    void aReplacedClientCaFileDecidesTheNextHandshakes() throws Exception {
        try (ScratchDir live = ScratchDir.create("tlsca")) {
            Path cas = live.resolve("clients.pem");
            Files.copy(certs.ca(), cas);
            int port = start(new TlsSettings(certs.serverCert(), certs.serverKey(), Optional.of(cas), ClientAuth.REQUIRED));
            assertTrue(curl(port, withCert(certs.clientCert(), certs.clientKey())).ok());
            assertNotEquals(0, curl(port, withCert(certs.strangerCert(), certs.strangerKey())).exit());

            replace(certs.otherCa(), cas);
            Tools.await(Duration.ofSeconds(20), "the other CA's client accepted",
                    () -> curl(port, withCert(certs.strangerCert(), certs.strangerKey())).ok());
            assertNotEquals(0, curl(port, withCert(certs.clientCert(), certs.clientKey())).exit(),
                    "a client of the CA no longer in the file is still served");
            assertTrue(log.stream().anyMatch(l -> l.startsWith("tls: re-read the TLS client CA file")), log::toString);
        }
    }

    private static void replace(Path source, Path target) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".new");
        Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The subject of the certificate the server shows a new handshake, trusting the test CA. */
    private static String serverSubject(int port) throws Exception {
        try (SSLSocket s = (SSLSocket) certs.clientContext().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(20_000);
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(20_000);
        return s;
    }

    private static void assertClosed(Socket s) {
        try {
            assertEquals(-1, s.getInputStream().read());
        } catch (IOException e) {
            assertEquals("Connection reset", e.getMessage(), "the connection is still open (or failed otherwise)");
        }
    }

    private static void assertStillOpen(Socket s) throws IOException {
        s.setSoTimeout(50);
        assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read(), "closed early");
        s.setSoTimeout(20_000);
    }
}
