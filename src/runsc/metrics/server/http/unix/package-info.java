// SPDX-License-Identifier: Apache-2.0
/**
 * HTTP/1.1 over a UNIX domain socket, for {@code --metric-server=/path} and
 * {@code curl --unix-socket}.
 *
 * <p>{@link runsc.metrics.server.http.unix.UnixHttpServer} puts the pieces together:
 * {@code UnixSocketServer} binds (path length check, stale socket replacement, {@code chmod 0777}),
 * accepts with one virtual thread per connection under a connection cap shared out per peer user
 * ({@code ConnectionCap}), and enforces deadlines by closing the channel; {@code Http11Reader} and
 * {@code Http11Writer} parse and write bytes with named limits and know nothing about sockets;
 * {@code Http11Connection} runs keep-alive over them, with the head due soon after the accept,
 * and calls the router.
 */
package runsc.metrics.server.http.unix;
