// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.unix;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.function.Consumer;
import runsc.metrics.server.config.SocketAccess;
import runsc.metrics.server.config.TransportLimits;
import runsc.metrics.server.http.RefusalBudget;
import runsc.metrics.server.http.RequestHandler;

/**
 * An HTTP/1.1 server on a UNIX domain socket: keep-alive, {@code HEAD},
 * {@code Connection: close}, {@code Content-Length} bodies, bounded request heads and bodies,
 * and a deadline on every phase of a connection.
 *
 * <pre>{@code
 * try (UnixHttpServer s = UnixHttpServer.start(Path.of("/run/runsc-metrics.sock"), TransportLimits.DEFAULTS,
 *         SocketAccess.UPSTREAM, router, log::info)) {
 *     ... // curl --unix-socket /run/runsc-metrics.sock http://localhost/metrics
 * }
 * }</pre>
 */
public final class UnixHttpServer implements Closeable {
    private final UnixSocketServer socket;

    private UnixHttpServer(UnixSocketServer socket) {
        this.socket = socket;
    }

    /**
     * Binds the socket with a mode, group and allow-list, and starts serving.
     *
     * @param socketPath where to create the socket (at most 106 bytes)
     * @param limits time limits, connection cap and body limit
     * @param access the socket's mode and group, and who may connect (others get 403)
     * @param handler answers the requests
     * @param log receives one line per notable event
     * @return the running server
     * @throws IOException with a message naming the path if the socket cannot be bound or given
     *     its mode or group
     */
    public static UnixHttpServer start(Path socketPath, TransportLimits limits, SocketAccess access,
                                       RequestHandler handler, Consumer<String> log) throws IOException {
        return new UnixHttpServer(UnixSocketServer.bind(socketPath, http(handler, limits, log), limits, access,
                limits.responseTimeout(), log));
    }

    /**
     * Serves a listening socket that another process bound (socket activation), with an
     * allow-list; the socket keeps the mode and group its binder gave it, and stays where it is when
     * the server closes: its owner removes it.
     *
     * @param channel a bound, listening Unix socket
     * @param limits time limits, connection cap and body limit
     * @param access who may connect (others get 403); its mode and group are not applied
     * @param handler answers the requests
     * @param log receives one line per notable event
     * @return the running server
     * @throws IOException if the channel's address cannot be read
     */
    public static UnixHttpServer adopt(ServerSocketChannel channel, TransportLimits limits, SocketAccess access,
                                       RequestHandler handler, Consumer<String> log) throws IOException {
        return new UnixHttpServer(UnixSocketServer.adopt(channel, http(handler, limits, log), limits, access,
                limits.responseTimeout(), log));
    }

    private static UnixSocketServer.ConnectionHandler http(RequestHandler handler, TransportLimits limits,
                                                           Consumer<String> log) {
        Http11Connection connection = new Http11Connection(handler, limits, log);
        return new UnixSocketServer.ConnectionHandler() {
            @Override
            public void serve(InputStream in, OutputStream out, ConnectionControl control) throws IOException {
                connection.serve(in, out, control);
            }

            @Override
            public void reject(OutputStream out, String reason) throws IOException {
                new Http11Writer(out).writeError(503, reason);
            }

            @Override
            public void forbid(OutputStream out, String reason) throws IOException {
                new Http11Writer(out).writeError(403, reason);
            }

            @Override
            public long refuseFor(String client) {
                return handler.refuseConnectionFor(client);
            }

            @Override
            public byte[] refusal(long refusedFor) {
                return RefusalBudget.acceptRefusal(refusedFor);
            }
        };
    }

    /**
     * Returns the socket path.
     *
     * @return the path of the listening socket
     */
    public Path socketPath() {
        return socket.path();
    }

    /**
     * Stops accepting, removes the socket file, closes idle connections, lets busy ones finish
     * their response (up to the write timeout) and then closes everything.
     */
    @Override
    public void close() {
        socket.close();
    }
}
