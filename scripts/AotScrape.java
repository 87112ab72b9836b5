// SPDX-License-Identifier: Apache-2.0
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Scrapes /metrics over a Unix socket a given number of times, for scripts/aot-train.sh. It runs on
 * the build JDK in source-file mode, so that the build needs no HTTP client such as curl.
 * Usage: java scripts/AotScrape.java SOCKET COUNT
 */
class AotScrape {
    public static void main(String[] args) throws IOException {
        Path socket = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        byte[] request = "GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < count; i++) {
            StringBuilder reply = new StringBuilder();
            try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                channel.write(ByteBuffer.wrap(request));
                ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
                while (channel.read(buffer) >= 0) {
                    buffer.flip();
                    reply.append(StandardCharsets.UTF_8.decode(buffer));
                    buffer.clear();
                }
            }
            if (!reply.toString().startsWith("HTTP/1.1 200 ")) {
                throw new IOException("scrape " + (i + 1) + " of " + socket + " did not answer 200: "
                        + reply.substring(0, Math.min(reply.length(), 200)));
            }
        }
    }
}
