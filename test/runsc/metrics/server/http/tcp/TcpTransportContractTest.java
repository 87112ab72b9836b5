// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.tcp;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import runsc.metrics.server.config.TransportLimits;
import runsc.metrics.server.http.RequestHandler;
import runsc.metrics.server.http.TransportContract;
import runsc.metrics.server.http.tls.TlsContext;

/**
 * The transport contract over TCP. The JDK's server reads its time limits and connection cap once
 * per JVM, from system properties, so every server of the test JVM is started with the defaults
 * for those; the body limit is per server.
 */
class TcpTransportContractTest extends TransportContract {
    private TcpHttpServer server;

    @Override
    protected Closeable startServer(TransportLimits limits, RequestHandler handler) throws IOException {
        // What the JDK reads per JVM comes from the defaults, as for the product's server.
        TransportLimits jvmWide = new TransportLimits(TransportLimits.DEFAULT_IDLE_TIMEOUT, TransportLimits.DEFAULT_HEADER_TIMEOUT,
                TransportLimits.DEFAULT_REQUEST_TIMEOUT, TransportLimits.DEFAULT_RESPONSE_TIMEOUT,
                TransportLimits.DEFAULT_MAX_CONNECTIONS, TransportLimits.DEFAULT_MAX_CONNECTIONS_PER_USER, limits.maxBodyBytes());
        server = TcpHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), jvmWide, handler, tls(),
                log::add);
        return server;
    }

    /** TLS for the servers of this contract: none here. */
    protected Optional<TlsContext> tls() throws IOException {
        return Optional.empty();
    }

    /** A connection to {@code port}, as the client of this contract makes it. */
    protected Socket open(int port) throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), port);
    }

    /** The address {@link #open} connects from. */
    @Override
    protected String client() {
        return InetAddress.getLoopbackAddress().getHostAddress();
    }

    @Override
    protected RawConnection connect() throws IOException {
        Socket s = open(server.address().getPort());
        s.setSoTimeout(20_000);
        return new RawConnection(s.getInputStream(), s.getOutputStream(), s);
    }

    /**
     * The product's defaults for what the JDK applies per JVM (the test JVM gives no {@code -D} for
     * them), the asked body limit. The head deadline is what the JDK's single request deadline
     * must be, so a server that set it from anything else fails the deadline cases.
     */
    @Override
    protected TransportLimits effective(TransportLimits asked) {
        TransportLimits d = TransportLimits.DEFAULTS;
        return new TransportLimits(d.idleTimeout(), d.headerTimeout(), d.headerTimeout(), d.responseTimeout(),
                d.maxConnections(), Math.min(asked.maxConnectionsPerUser(), d.maxConnections()), asked.maxBodyBytes());
    }

    /** The JDK's server closes a connection over its cap as soon as it accepts it, without an answer. */
    @Override
    protected Outcome overTheCap(int cap) {
        return new Outcome.Closed();
    }

    /** The JDK's server has no request-line limit of its own below its 380 KiB header limit. */
    @Override
    protected Outcome longRequestLine() {
        return new Outcome.Routed(404);
    }

    /** The JDK's server takes header sections up to {@code sun.net.httpserver.maxReqHeaderSize}, 380 KiB. */
    @Override
    protected Outcome largeHeaderSection() {
        return new Outcome.Routed(200);
    }

    /** The JDK checks its request deadline once a second. */
    @Override
    protected Duration deadlineSlack() {
        return Duration.ofSeconds(3);
    }

    /**
     * The JDK closes a connection that has sent nothing after min(maxReqTime, idleInterval), but
     * checks for such connections only every 10 s ({@code sun.net.httpserver.clockTick}, not a
     * documented setting, so left alone).
     */
    @Override
    protected Duration silentConnectionDeadline(TransportLimits limits) {
        Duration first = limits.headerTimeout().compareTo(limits.idleTimeout()) < 0 ? limits.headerTimeout() : limits.idleTimeout();
        return first.plusSeconds(10);
    }

    /** The adapter reads the body up to the limit and answers in Go's error shape. */
    @Override
    protected Outcome largeBody() {
        return new Outcome.Answer(413, "request body exceeds 65536 bytes\n");
    }
}
