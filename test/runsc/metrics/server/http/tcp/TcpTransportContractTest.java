// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.tcp;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import runsc.metrics.server.config.TransportLimits;
import runsc.metrics.server.http.RequestHandler;
import runsc.metrics.server.http.TransportContract;

/**
 * The transport contract over TCP. The JDK's server reads its time limits and connection cap once
 * per JVM, from system properties, so every server of the test JVM has those of the first one
 * (the defaults, unless given with {@code -D}); the body limit is per server.
 */
class TcpTransportContractTest extends TransportContract {
    private TcpHttpServer server;

    @Override
    protected Closeable startServer(TransportLimits limits, RequestHandler handler) throws IOException {
        server = TcpHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), limits, handler, log::add);
        return server;
    }

    @Override
    protected RawConnection connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort());
        s.setSoTimeout(20_000);
        return new RawConnection(s.getInputStream(), s.getOutputStream(), s);
    }

    @Override
    protected TransportLimits effective(TransportLimits asked) {
        TransportLimits d = TransportLimits.DEFAULTS;
        return new TransportLimits(seconds("sun.net.httpserver.idleInterval", d.idleTimeout()),
                seconds("sun.net.httpserver.maxReqTime", d.requestTimeout()),
                seconds("sun.net.httpserver.maxRspTime", d.responseTimeout()),
                Integer.getInteger("jdk.httpserver.maxConnections", d.maxConnections()), asked.maxBodyBytes());
    }

    private static Duration seconds(String property, Duration otherwise) {
        return Duration.ofSeconds(Long.getLong(property, otherwise.toSeconds()));
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

    /** The adapter reads the body up to the limit and answers in Go's error shape. */
    @Override
    protected Outcome largeBody() {
        return new Outcome.Answer(413, "request body exceeds 65536 bytes\n");
    }
}
