// SPDX-License-Identifier: Apache-2.0
/**
 * HTTP over TCP for {@code --metric-server=host:port}: a thin adapter from
 * {@code com.sun.net.httpserver} to the transport-neutral router, behind a front that owns the
 * public port, ends TLS if asked to, and lets through the request targets Go's server takes and
 * the JDK's refuses.
 */
package runsc.metrics.server.http.tcp;
