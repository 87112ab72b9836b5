// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.tcp;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import runsc.metrics.server.config.TransportLimits;
import runsc.metrics.server.http.HttpHeaders;
import runsc.metrics.server.http.HttpRequest;
import runsc.metrics.server.http.HttpResponse;
import runsc.metrics.server.http.HttpStatus;
import runsc.metrics.server.http.RequestHandler;
import runsc.metrics.server.http.tls.TlsContext;

/**
 * Serves the router over TCP with the JDK's {@link HttpServer}, listening on loopback behind a
 * {@link TargetFront} that owns the public address and lets through the raw query characters Go's
 * server takes and the JDK's refuses, and that ends TLS when it is configured (the JDK's server
 * always speaks plain HTTP on loopback). Routing is the router's: the only
 * context is {@code /}, because HttpServer matches contexts by prefix ({@code /metricsXYZ} would
 * reach a {@code /metrics} context). Handlers run on virtual threads; closing waits for running
 * exchanges (up to the response timeout) and then calls {@code stop(0)}, since older JDKs wait
 * the whole {@code stop} delay even when idle.
 */
public final class TcpHttpServer implements Closeable {
    private final HttpServer server;
    private final TargetFront front;
    private final TransportLimits limits;
    private final ExecutorService executor;
    private final RequestHandler handler;
    private final Consumer<String> log;
    private final Phaser inFlight = new Phaser(1);
    private volatile boolean closing;

    private TcpHttpServer(InetSocketAddress address, TransportLimits limits, RequestHandler handler,
                          Optional<TlsContext> tls, Consumer<String> log) throws IOException {
        this.limits = limits;
        this.handler = handler;
        this.log = log;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        try {
            front = TargetFront.start(address, server.getAddress(), limits, tls, handler::refuseConnectionFor, log);
        } catch (IOException e) {
            server.stop(0);
            throw new IOException("cannot listen on TCP address \"" + address.getHostString() + ":"
                    + address.getPort() + "\": " + e.getMessage(), e);
        }
        executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("runsc-metrics-http-", 0).factory());
        server.createContext("/", this::exchange);
        server.setExecutor(executor);
    }

    /**
     * Binds and starts serving. Before the first {@link HttpServer} of the JVM is created, this
     * sets the JDK's documented request, response and idle time limits and its connection cap from
     * {@code limits}, unless they were given with {@code -D}: HttpServer reads them once, from
     * system properties, when its configuration class loads, and leaves time limits off by
     * default. They are therefore the same for every server of the JVM; the body limit is this
     * server's own. The JDK server knows nothing of peers, so the cap is not shared out per peer:
     * it closes a connection over the cap at once, and the header deadline frees a slot held by a
     * client that sends nothing useful within a few seconds.
     *
     * @param address where to listen; port 0 picks a free port
     * @param limits the time limits, connection cap and body limit
     * @param handler answers the requests
     * @param log receives one line per notable event
     * @return the running server
     * @throws IOException {@code cannot listen on TCP address "A": ...} if binding fails
     */
    public static TcpHttpServer start(InetSocketAddress address, TransportLimits limits, RequestHandler handler,
                                      Consumer<String> log) throws IOException {
        return start(address, limits, handler, Optional.empty(), log);
    }

    /**
     * Binds and starts serving, with TLS on the public connections if {@code tls} is present (see
     * {@link #start(InetSocketAddress, TransportLimits, RequestHandler, Consumer)} for the rest).
     *
     * @param address where to listen; port 0 picks a free port
     * @param limits the time limits, connection cap and body limit; the TLS handshake counts
     *     against the header deadline
     * @param handler answers the requests
     * @param tls the certificate, key and client-certificate policy, or empty for plain HTTP
     * @param log receives one line per notable event, among them each failed handshake
     * @return the running server
     * @throws IOException {@code cannot listen on TCP address "A": ...} if binding fails
     */
    public static TcpHttpServer start(InetSocketAddress address, TransportLimits limits, RequestHandler handler,
                                      Optional<TlsContext> tls, Consumer<String> log) throws IOException {
        // The JDK counts maxReqTime from a request's first byte to the end of its body (for a new
        // connection, min(maxReqTime, idleInterval) from the accept, checked by a 10 s idle timer),
        // so the header deadline bounds the whole request: bodies here are a few hundred bytes.
        setIfAbsent("sun.net.httpserver.maxReqTime", limits.headerTimeout().toSeconds(), log);
        setIfAbsent("sun.net.httpserver.maxRspTime", limits.responseTimeout().toSeconds(), log);
        setIfAbsent("sun.net.httpserver.idleInterval", limits.idleTimeout().toSeconds(), log);
        setIfAbsent("jdk.httpserver.maxConnections", limits.maxConnections(), log);
        TcpHttpServer s = new TcpHttpServer(address, limits, handler, tls, log);
        s.server.start();
        return s;
    }

    private static void setIfAbsent(String property, long value, Consumer<String> log) {
        Object before = System.getProperties().putIfAbsent(property, Long.toString(value));
        if (before != null && !before.equals(Long.toString(value))) {
            log.accept("tcp: " + property + " is " + before + " for this JVM (set with -D or by an earlier server), not "
                    + value);
        }
    }

    /**
     * Returns the bound address, with the real port when port 0 was asked for.
     *
     * @return the listening address
     */
    public InetSocketAddress address() {
        return front.address();
    }

    private void exchange(HttpExchange ex) throws IOException {
        inFlight.register();
        try (ex; InputStream in = ex.getRequestBody()) {
            int maxBody = limits.maxBodyBytes();
            byte[] body = in.readNBytes(maxBody + 1);
            Headers headers = new Headers(ex.getRequestHeaders());
            List<String> received = headers.remove(front.targetHeader());
            List<String> refusal = headers.remove(front.refusalHeader());
            String target = received == null ? ex.getRequestURI().toString() : received.getFirst();
            HttpResponse response = refusal != null ? refused(refusal.getFirst())
                    : body.length > maxBody ? HttpResponse.error(413, "request body exceeds " + maxBody + " bytes").closing()
                    : handler.handle(HttpRequest.of(ex.getRequestMethod(), target, HttpHeaders.of(headers), body,
                            front.clientOf(ex.getRemoteAddress())));
            response.headers().forEach(h -> ex.getResponseHeaders().add(h.name(), h.value()));
            if (closing || response.close()) {
                ex.getResponseHeaders().set("Connection", "close");
            }
            int length = response.bodyLength();
            if (ex.getRequestMethod().equals("HEAD")) { // HttpServer sends a HEAD length only as a header
                ex.getResponseHeaders().set("Content-Length", Integer.toString(length));
                length = 0;
            }
            ex.sendResponseHeaders(response.status(), length == 0 ? -1 : length);
            if (length > 0) {
                response.writeBody(ex.getResponseBody());
            }
        } finally {
            inFlight.arriveAndDeregister();
        }
    }

    /** The answer to a head the front found Go would refuse ("STATUS reason"), in the Unix socket's shape. */
    private static HttpResponse refused(String refusal) {
        int status = Integer.parseInt(refusal.substring(0, 3));
        String body = status + " " + HttpStatus.reason(status) + ": " + refusal.substring(4);
        return HttpResponse.of(status, HttpResponse.TEXT_PLAIN, body.getBytes(StandardCharsets.UTF_8)).closing();
    }

    /** Waits for running exchanges (up to the response timeout), then stops the server at once. */
    @Override
    public synchronized void close() {
        if (closing) {
            return;
        }
        closing = true; // from now on every response ends its connection
        try {
            inFlight.awaitAdvanceInterruptibly(inFlight.arrive(), limits.responseTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.accept("tcp: stopping with requests still running after " + limits.responseTimeout().toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            front.close();
        } catch (IOException e) {
            log.accept("tcp: closing the listener failed: " + e.getMessage());
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
