// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

/** What a transport calls for each request it has read completely, and for each connection it accepts. */
@FunctionalInterface
public interface RequestHandler {
    /**
     * Answers one request. Never throws for bad input: that is a 4xx response.
     *
     * @param request the request
     * @return the complete response
     */
    HttpResponse handle(HttpRequest request);

    /**
     * Whether a new connection from {@code client} is to be refused as it is accepted, before any of
     * its bytes are read: the transport then writes {@link RefusalBudget#acceptRefusal} (or, under
     * TLS, nothing) and closes it, spending no slot of its connection cap on it.
     *
     * @param client the client as {@link HttpRequest#client()} names it; empty if unknown
     * @return 0 to serve the connection; else the whole seconds the client is refused for
     */
    default long refuseConnectionFor(String client) {
        return 0;
    }
}
