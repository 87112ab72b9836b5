// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.unix;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class Http11ConnectionProperties {
    /** Feeds bytes to a connection and checks that every answer is a well-formed response. */
    private static void assertWellFormedAnswers(byte[] input) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Http11ConnectionTest.connection().serve(new ByteArrayInputStream(input), out,
                    new Http11ConnectionTest.RecordingControl());
        } catch (EOFException e) {
            // The input ended inside a request: the connection is closed without an answer.
        }
        List<RawResponses.Response> responses = RawResponses.parseAll(out.toByteArray());
        for (RawResponses.Response r : responses) {
            if (r.status() >= 400 && !r.headers().containsKey("content-type")) {
                throw new AssertionError("error without content type: " + r);
            }
        }
    }

    @Property(tries = 2000)
    void anyBytesGetWellFormedAnswersOrAClosedConnection(@ForAll byte[] input) throws IOException {
        assertWellFormedAnswers(input);
    }

    @Provide
    Arbitrary<String> almostRequests() {
        Arbitrary<String> method = Arbitraries.of("GET", "POST", "PUT", "G T", "", "OPTIONS", "\u0000");
        Arbitrary<String> target = Arbitraries.of("/", "/metrics", "/metrics%3Fa=%25", "//x", "/%zz", "*", "/runsc-metrics/pid",
                "/runsc-metrics/healthcheck?root=/run/runsc", "/metrics?runsc-sandbox-metrics-filter=(", "http://h/metrics", "");
        Arbitrary<String> version = Arbitraries.of("HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1", "");
        Arbitrary<String> headers = Arbitraries.of("Host: x\r\n", "Content-Length: 3\r\n", "Content-Length: x\r\n",
                "Transfer-Encoding: chunked\r\n", "Connection: close\r\n", " folded\r\n", "X:\u0001\r\n", "Expect: 100-continue\r\n",
                "Content-Type: application/x-www-form-urlencoded\r\n", "\r\n", "\n", "").list().ofMaxSize(6)
                .map(l -> String.join("", l));
        Arbitrary<String> tail = Arbitraries.strings().ofMaxLength(20);
        return Combinators.combine(method, target, version, headers, tail)
                .as((m, t, v, h, rest) -> m + " " + t + " " + v + "\r\n" + h + "\r\n" + rest);
    }

    @Property(tries = 2000)
    void almostValidRequestsGetWellFormedAnswers(@ForAll("almostRequests") String first,
                                                 @ForAll("almostRequests") String second) throws IOException {
        assertWellFormedAnswers((first + second).getBytes(StandardCharsets.ISO_8859_1));
    }
}
