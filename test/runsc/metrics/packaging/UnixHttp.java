// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.packaging;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One HTTP/1.1 GET over a Unix socket, as {@code curl --unix-socket} makes it, with
 * {@code Connection: close} so that the reply ends at end of file.
 *
 * @param status the status code
 * @param head the status line and headers
 * @param body the body
 */
record UnixHttp(int status, String head, String body) {
    /** Sends {@code GET target} to the server at {@code socket} and reads the whole reply. */
    static UnixHttp get(Path socket, String target) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            Channels.newOutputStream(ch).write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            String reply = new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
            int end = reply.indexOf("\r\n\r\n");
            if (!reply.startsWith("HTTP/1.1 ") || end < 0) {
                throw new IOException("not an HTTP reply from " + socket + ": " + reply);
            }
            return new UnixHttp(Integer.parseInt(reply.substring(9, 12)), reply.substring(0, end), reply.substring(end + 4));
        }
    }
}
