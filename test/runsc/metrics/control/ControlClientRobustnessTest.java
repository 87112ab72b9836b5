// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Whatever a sandbox replies, the client throws nothing but {@link ControlException}: random bytes,
 * truncations and one-byte mutations of a valid reply, and strings of JSON-ish tokens (fixed seed).
 */
class ControlClientRobustnessTest {
    private static final int CASES = 400;
    private static final String[] TOKENS = {"{", "}", "[", "]", "\"snapshot\":", "\"data\":", "\"val\":", "null",
        "\"success\":true,", "\"result\":", "{\"int\":", "1e999", "-0", "\"x\"", ",", ":", "18446744073709551616",
        "\"metric\":", "\"histogram\":", "\"buckets\":", "\"when\":\"2026-11-25T03:39:12Z\""};
    private static final char[] MUTATIONS = {'{', '}', '[', ']', '"', ',', ':', 'n', '0', '-', '.', 'e', '\\', ' ',
        '\u00e9', '\u0000'};
    private static final String VALID = "{\"success\":true,\"err\":\"\",\"result\":{\"snapshot\":{\"when\":"
            + "\"2026-11-25T03:39:12.06372382Z\",\"data\":[{\"metric\":{\"name\":\"fs_opens\",\"type\":2,\"help\":\"h\"},"
            + "\"labels\":{\"k\":\"v\"},\"val\":{\"int\":10}},{\"metric\":{\"name\":\"h\",\"type\":3,\"help\":\"h\"},"
            + "\"histogram\":{\"total\":{\"int\":1},\"min\":{},\"max\":{\"float\":2.5},\"ssd\":{\"float\":1e+999},"
            + "\"buckets\":[{\"le\":{}},{\"le\":{\"float\":1e+999},\"n\":3}]}}]}}}";

    @Test
    void clientThrowsNothingButControlExceptionForGeneratedReplies() throws IOException {
        Random random = new Random(20261125);
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "rm");
        Path socket = dir.resolve("p.sock");
        int returned = 0;
        try (RawServer server = new RawServer(socket)) {
            ControlClient client = new ControlClient(1 << 16, 16);
            for (int i = 0; i < CASES; i++) {
                byte[] reply = reply(random);
                server.reply(reply, true);
                try {
                    client.exportMetrics("p", socket, "", System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
                    returned++;
                } catch (ControlException e) {
                    assertTrue(e.getMessage().startsWith("sandbox p: "), e.getMessage());
                } catch (RuntimeException e) {
                    throw new AssertionError("case " + i + ": " + new String(reply, StandardCharsets.UTF_8), e);
                }
            }
        } finally {
            Files.deleteIfExists(dir);
        }
        assertTrue(returned > 0, "some generated replies are valid snapshots");
    }

    private static byte[] reply(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> {
                byte[] b = new byte[random.nextInt(300)];
                random.nextBytes(b);
                yield b;
            }
            case 1 -> VALID.substring(0, random.nextInt(VALID.length() + 1)).getBytes(StandardCharsets.UTF_8);
            case 2 -> {
                int at = random.nextInt(VALID.length());
                yield (VALID.substring(0, at) + MUTATIONS[random.nextInt(MUTATIONS.length)] + VALID.substring(at + 1))
                        .getBytes(StandardCharsets.UTF_8);
            }
            default -> {
                StringBuilder s = new StringBuilder();
                for (int n = random.nextInt(40); n > 0; n--) {
                    s.append(TOKENS[random.nextInt(TOKENS.length)]);
                }
                yield s.toString().getBytes(StandardCharsets.UTF_8);
            }
        };
    }
}
