// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.unix;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import runsc.metrics.server.http.RawResponses;
import runsc.metrics.testing.Gen;
import runsc.metrics.testing.Property;

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

    @Test
    void anyBytesGetWellFormedAnswersOrAClosedConnection() {
        Property.forAll(2000, g -> g.anyBytes(400), Http11ConnectionProperties::assertWellFormedAnswers);
    }

    static String almostRequest(Gen g) {
        String method = g.oneOf("GET", "POST", "PUT", "G T", "", "OPTIONS", "\u0000");
        String target = g.oneOf("/", "/metrics", "/metrics%3Fa=%25", "//x", "/%zz", "*", "/runsc-metrics/pid",
                "/runsc-metrics/healthcheck?root=/run/runsc", "/metrics?runsc-sandbox-metrics-filter=(", "http://h/metrics", "");
        String version = g.oneOf("HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1", "");
        String headers = String.join("", g.listOf(6, x -> x.oneOf("Host: x\r\n", "Content-Length: 3\r\n",
                "Content-Length: x\r\n", "Transfer-Encoding: chunked\r\n", "Connection: close\r\n", " folded\r\n",
                "X:\u0001\r\n", "Expect: 100-continue\r\n", "Content-Type: application/x-www-form-urlencoded\r\n", "\r\n",
                "\n", "")));
        return method + " " + target + " " + version + "\r\n" + headers + "\r\n" + g.stringOf("abc\r\n:% ", 0, 20);
    }

    @Test
    void almostValidRequestsGetWellFormedAnswers() {
        Property.forAll(2000, g -> almostRequest(g) + almostRequest(g),
                s -> assertWellFormedAnswers(s.getBytes(StandardCharsets.ISO_8859_1)));
    }
}
