// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

/** What a transport calls for each request it has read completely. */
@FunctionalInterface
public interface RequestHandler {
    /**
     * Answers one request. Never throws for bad input: that is a 4xx response.
     *
     * @param request the request
     * @return the complete response
     */
    HttpResponse handle(HttpRequest request);
}
