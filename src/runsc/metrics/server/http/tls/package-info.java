// SPDX-License-Identifier: Apache-2.0
/**
 * TLS for the TCP transport, with the JDK's own TLS and no other library: PEM certificates and
 * keys in the forms {@code openssl} writes ({@link runsc.metrics.server.http.tls.PemKeys}), a key
 * manager and a client-CA trust manager that re-read their files when they change, and the
 * server side of a handshake under a deadline ({@link runsc.metrics.server.http.tls.TlsContext}).
 */
package runsc.metrics.server.http.tls;
