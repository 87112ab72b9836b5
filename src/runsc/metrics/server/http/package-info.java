// SPDX-License-Identifier: Apache-2.0
/**
 * The transport-neutral HTTP core of {@code metric-server}: request and response records, and
 * {@link runsc.metrics.server.http.Router}, which implements upstream's routes, status codes,
 * bodies and Go {@code net/http} conventions (error shape, sniffed content types, path cleaning).
 *
 * <p>Transports ({@code http.tcp} over {@code com.sun.net.httpserver}, {@code http.unix} over a
 * UNIX socket) parse bytes into an {@link runsc.metrics.server.http.HttpRequest}, call
 * {@link runsc.metrics.server.http.RequestHandler#handle} and write the
 * {@link runsc.metrics.server.http.HttpResponse}. This package imports neither
 * {@code com.sun.net.httpserver} nor {@code java.nio.channels}. Scraping is behind
 * {@link runsc.metrics.server.http.MetricsSource}. A client whose requests keep being refused
 * spends its {@link runsc.metrics.server.http.RefusalBudget}, and the transports then refuse its new
 * connections before reading them
 * ({@link runsc.metrics.server.http.RequestHandler#refuseConnectionFor}).
 */
package runsc.metrics.server.http;
