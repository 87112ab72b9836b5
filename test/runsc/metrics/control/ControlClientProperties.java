// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

class ControlClientProperties {
    private static final String VALID = "{\"success\":true,\"err\":\"\",\"result\":{\"snapshot\":{\"when\":"
            + "\"2026-11-25T03:39:12.06372382Z\",\"data\":[{\"metric\":{\"name\":\"fs_opens\",\"type\":2,\"help\":\"h\"},"
            + "\"labels\":{\"k\":\"v\"},\"val\":{\"int\":10}},{\"metric\":{\"name\":\"h\",\"type\":3,\"help\":\"h\"},"
            + "\"histogram\":{\"total\":{\"int\":1},\"min\":{},\"max\":{\"float\":2.5},\"ssd\":{\"float\":1e+999},"
            + "\"buckets\":[{\"le\":{}},{\"le\":{\"float\":1e+999},\"n\":3}]}}]}}}";

    private Path dir;
    private RawServer server;

    @BeforeProperty
    void start() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "rm");
        server = new RawServer(dir.resolve("p.sock"));
    }

    @AfterProperty
    void stop() throws IOException {
        server.close();
        Files.deleteIfExists(dir);
    }

    @Property(tries = 300)
    void clientThrowsNothingButControlExceptionWhateverTheReply(@ForAll("replies") byte[] reply) {
        server.reply(reply, true);
        try {
            new ControlClient(1 << 16, 16).exportMetrics("p", dir.resolve("p.sock"), "", System.nanoTime()
                    + TimeUnit.SECONDS.toNanos(5));
        } catch (ControlException e) {
            if (!e.getMessage().startsWith("sandbox p: ")) {
                throw new AssertionError("message does not name the sandbox: " + e.getMessage(), e);
            }
        }
    }

    @Provide
    Arbitrary<byte[]> replies() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> truncated = Arbitraries.integers().between(0, VALID.length())
                .map(n -> VALID.substring(0, n).getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.integers().between(0, VALID.length() - 1),
                Arbitraries.of('{', '}', '[', ']', '"', ',', ':', 'n', '0', '-', '.', 'e', '\\', ' ', '\u00e9', '\u0000'))
                .as((at, c) -> (VALID.substring(0, at) + c + VALID.substring(at + 1)).getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> tokens = Arbitraries.of("{", "}", "[", "]", "\"snapshot\":", "\"data\":", "\"val\":", "null",
                        "\"success\":true,", "\"result\":", "{\"int\":", "1e999", "-0", "\"x\"", ",", ":", "18446744073709551616")
                .list().ofMaxSize(40).map(l -> String.join("", l).getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(random, truncated, mutated, tokens);
    }
}
