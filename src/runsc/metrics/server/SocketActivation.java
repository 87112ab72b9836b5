// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The listening socket systemd hands over (socket activation). The JDK takes an inherited socket
 * only from file descriptor 0 ({@link System#inheritedChannel()}); systemd passes it there with
 * {@code StandardInput=socket}, and the launcher moves it there from fd 3 under the
 * {@code LISTEN_FDS} protocol (runsc-metrics.socket, {@code systemd-socket-activate}).
 *
 * <p>Only a Unix socket is taken: the JDK's HTTP server, which serves TCP, cannot serve a channel
 * it did not open itself. The inherited socket must be the {@code --metric-server} path, because
 * sandboxes are served only if they recorded that same address.
 */
final class SocketActivation {
    private SocketActivation() {}

    /**
     * The listening socket this process inherited on fd 0, if any.
     *
     * @param address the {@code --metric-server} address, after substitution
     * @return the channel to serve, or empty when fd 0 is not a listening socket
     * @throws IOException naming both addresses when the inherited socket is not the one to serve
     */
    static Optional<ServerSocketChannel> inherited(String address) throws IOException {
        return listener(System.inheritedChannel(), address);
    }

    /**
     * Checks an inherited channel against the address to serve.
     *
     * @param inherited what fd 0 holds, or null
     * @param address   the {@code --metric-server} address
     * @return the channel when it is a listening Unix socket bound to {@code address}; empty when
     *         it is no listening socket at all (a terminal, a pipe, {@code /dev/null}, a connection)
     * @throws IOException when it is a listening socket that cannot be served
     */
    static Optional<ServerSocketChannel> listener(Channel inherited, String address) throws IOException {
        if (!(inherited instanceof ServerSocketChannel channel)) {
            return Optional.empty();
        }
        SocketAddress local = channel.getLocalAddress();
        if (!(local instanceof UnixDomainSocketAddress unix)) {
            throw new IOException("socket activation: the inherited socket is the TCP socket " + local
                    + "; only a Unix socket can be inherited (the JDK's HTTP server cannot serve a socket it did"
                    + " not open): use ListenStream=/path, or start the server without socket activation");
        }
        if (!address.startsWith("/")) {
            throw new IOException("socket activation: the inherited socket is the Unix socket " + unix.getPath()
                    + ", but --metric-server is the TCP address \"" + address + "\"");
        }
        if (!unix.getPath().equals(Path.of(address))) {
            throw new IOException("socket activation: the inherited socket is " + unix.getPath()
                    + ", but --metric-server is \"" + address + "\"; sandboxes are served only if they recorded"
                    + " the server's address, so the two must be the same path");
        }
        return Optional.of(channel);
    }
}
