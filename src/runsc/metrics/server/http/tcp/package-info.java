// SPDX-License-Identifier: Apache-2.0
/**
 * HTTP over TCP for {@code --metric-server=host:port}: a thin adapter from
 * {@code com.sun.net.httpserver} to the transport-neutral router.
 */
package runsc.metrics.server.http.tcp;
