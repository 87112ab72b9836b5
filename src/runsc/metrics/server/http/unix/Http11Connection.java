// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.unix;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Consumer;
import runsc.metrics.server.config.TransportLimits;
import runsc.metrics.server.http.HttpRequest;
import runsc.metrics.server.http.HttpResponse;
import runsc.metrics.server.http.RequestHandler;

/** Serves the requests of one connection in turn (keep-alive), each under its deadlines. */
final class Http11Connection {
    private final RequestHandler handler;
    private final TransportLimits limits;
    private final Consumer<String> log;

    Http11Connection(RequestHandler handler, TransportLimits limits, Consumer<String> log) {
        this.handler = handler;
        this.limits = limits;
        this.log = log;
    }

    /**
     * Serves requests until the peer or the server ends the connection.
     *
     * @param in the connection's input
     * @param out the connection's output
     * @param control deadlines and shutdown state
     * @throws IOException if the connection fails (the caller closes it)
     */
    void serve(InputStream in, OutputStream out, ConnectionControl control) throws IOException {
        Http11Reader reader = new Http11Reader(in, limits.maxBodyBytes());
        Http11Writer writer = new Http11Writer(out);
        // The first head is due a few seconds after the accept: until then the connection holds a slot
        // without asking for anything. A connection that has been answered may idle longer.
        control.arm(limits.headerTimeout());
        for (boolean first = true; ; first = false) {
            control.idle(true);
            if (!first) {
                control.arm(limits.idleTimeout());
            }
            Http11Reader.RequestHead head;
            byte[] body;
            try {
                if (!reader.awaitRequest()) {
                    return;
                }
                control.idle(false);
                if (!first) {
                    control.arm(limits.headerTimeout());
                }
                head = reader.readHead();
                checkHost(head);
                control.arm(limits.requestTimeout());
                if (reader.contentLength(head) > 0
                        && head.headers().first("Expect").orElse("").equalsIgnoreCase("100-continue")) {
                    writer.writeContinue();
                }
                body = reader.readBody(head);
            } catch (Http11Exception e) {
                control.arm(limits.responseTimeout());
                log.accept("unix socket: rejected request: " + e.getStatus() + " " + e.getMessage());
                writer.writeError(e.getStatus(), e.getMessage());
                return;
            }
            control.arm(limits.responseTimeout());
            HttpResponse response = handler.handle(HttpRequest.of(head.method(), head.target(), head.headers(), body, control.client()));
            boolean keepAlive = head.keepAlive() && !response.close() && !control.closing();
            String connection = !keepAlive ? "close" : head.minorVersion() == 0 ? "keep-alive" : null;
            writer.write(response, !head.method().equals("HEAD"), connection);
            if (!keepAlive) {
                return;
            }
        }
    }

    /** RFC 9112 §3.2: an HTTP/1.1 request has exactly one Host field (Go's texts). */
    private static void checkHost(Http11Reader.RequestHead head) throws Http11Exception {
        List<String> hosts = head.headers().all("Host");
        if (hosts.size() > 1) {
            throw new Http11Exception(400, "too many Host headers");
        }
        if (hosts.isEmpty() && head.minorVersion() >= 1) {
            throw new Http11Exception(400, "missing required Host header");
        }
    }
}
