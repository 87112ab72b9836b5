// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import runsc.metrics.testing.Proc;
import runsc.metrics.testing.ProcResult;
import runsc.metrics.testing.ScratchDir;
import runsc.metrics.testing.Tools;

/** HTTP requests made by the real {@code curl} binary, as users and scripts make them. */
final class Curl {
    /** curl's own limit on one request ({@code --max-time}), below {@link Proc#DEADLINE}. */
    static final Duration MAX_TIME = Duration.ofSeconds(20);

    private Curl() {
    }

    /** Skips the calling test unless curl is installed. */
    static void assumeInstalled() {
        Tools.assume("curl", "curl");
    }

    /** {@code curl --unix-socket SOCKET http://localhost<target>} with extra options before the URL. */
    static HttpReply unix(Path socket, String target, String... options) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--unix-socket", socket.toString()));
        args.addAll(List.of(options));
        return request(args, "http://localhost" + target);
    }

    /** {@code curl URL} with extra options before the URL. */
    static HttpReply url(String url, String... options) throws IOException, InterruptedException {
        return request(List.of(options), url);
    }

    /** Like {@link #url} but returns empty instead of failing when curl cannot connect or gets no reply. */
    static java.util.Optional<HttpReply> tryUrl(String url) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "cu");
        try {
            ProcResult r = Proc.run(command(dir, List.of(), url));
            return r.exitCode() == 0 ? java.util.Optional.of(read(dir)) : java.util.Optional.empty();
        } finally {
            ScratchDir.deleteTree(dir);
        }
    }

    private static HttpReply request(List<String> options, String url) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "cu");
        try {
            ProcResult r = Proc.run(command(dir, options, url));
            if (r.exitCode() != 0) {
                throw new AssertionError(r.describe());
            }
            return read(dir);
        } finally {
            ScratchDir.deleteTree(dir);
        }
    }

    private static List<String> command(Path dir, List<String> options, String url) {
        List<String> command = new ArrayList<>(List.of(Tools.find("curl").orElse(Path.of("curl")).toString(),
                "--silent", "--show-error", "--max-time", Long.toString(MAX_TIME.toSeconds()),
                "--dump-header", dir.resolve("headers").toString(), "--output", dir.resolve("body").toString()));
        command.addAll(options);
        command.add(url);
        return command;
    }

    /** Parses the last response block of the header dump (curl writes one per response, e.g. after a 100). */
    private static HttpReply read(Path dir) throws IOException {
        String dump = Files.readString(dir.resolve("headers"), StandardCharsets.ISO_8859_1);
        String[] blocks = dump.split("\r\n\r\n");
        String last = blocks[blocks.length - 1];
        String[] lines = last.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
            }
        }
        Path body = dir.resolve("body");
        return new HttpReply(Integer.parseInt(statusLine[1]), headers, Files.exists(body) ? Files.readAllBytes(body) : new byte[0]);
    }
}
