// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GoUrlTest {
    @ParameterizedTest
    @CsvSource(textBlock = """
            '',           /
            /,            /
            /metrics,     /metrics
            //metrics,    /metrics
            /a/../b,      /b
            /a/./b/,      /a/b/
            /../..,       /
            /a//,         /a/
            x,            /x
            /a/b/..,      /a
            """)
    void cleansPathsLikeServeMux(String path, String clean) {
        assertEquals(clean, GoUrl.cleanPath(path));
    }

    @Test
    void unescapesPathsAndQueryComponents() throws Exception {
        assertEquals("/a b+c", GoUrl.unescape("/a%20b+c", false));
        assertEquals("a b c", GoUrl.unescape("a+b%20c", true));
        assertEquals("\u00ff", GoUrl.unescape("%fF", false));
    }

    @Test
    void rejectsBadEscapesWithGosMessage() {
        assertEquals("invalid URL escape \"%zz\"",
                assertThrows(GoUrl.EscapeException.class, () -> GoUrl.unescape("a%zzz", false)).getMessage());
        assertEquals("invalid URL escape \"%4\"",
                assertThrows(GoUrl.EscapeException.class, () -> GoUrl.unescape("%4", true)).getMessage());
        assertEquals("invalid URL escape \"%\"",
                assertThrows(GoUrl.EscapeException.class, () -> GoUrl.unescape("%", true)).getMessage());
    }

    @Test
    void parsesQueriesLenientlyKeepingTheFirstError() {
        GoUrl.Query q = GoUrl.parseQuery("a=1&b&=x&a=2&&c=%zz&d=%&e=ok");
        assertEquals(Map.of("a", List.of("1", "2"), "b", List.of(""), "", List.of("x"), "e", List.of("ok")), q.values());
        assertEquals("invalid URL escape \"%zz\"", q.error());
        assertEquals("1", q.get("a"));
        assertEquals("", q.get("missing"));
        assertNull(GoUrl.parseQuery("x=1").error());
        assertEquals("invalid semicolon separator in query", GoUrl.parseQuery("x=1;y=2&z=3").error());
    }

    @Test
    void escapesPathsForLocation() {
        assertEquals("/a%20b/%3F/$&+,:;=@-_.~/%C3%A9",
                GoUrl.escapePath("/a b/?/$&+,:;=@-_.~/\u00c3\u00a9"));
    }

    @Test
    void decodesUtf8KeepingInvalidBytesAsLoneSurrogates() {
        assertEquals("é", GoUrl.decodeUtf8("\u00c3\u00a9"));
        assertEquals("a\udcffb", GoUrl.decodeUtf8("a\u00ffb"));
        assertEquals("\udce0\udc80", GoUrl.decodeUtf8("\u00e0\u0080"));
        assertEquals("\uD83D\uDE00", GoUrl.decodeUtf8("\u00f0\u009f\u0098\u0080"));
    }

    @Test
    void quotesLikeStrconvQuote() {
        assertEquals("\"a\\\"b\\\\c\\n\\x01\\xff\"", GoUrl.goQuote("a\"b\\c\n\u0001\u00ff"));
        assertEquals("\"é\"", GoUrl.goQuote("\u00c3\u00a9"));
    }

    @Test
    void escapesHtmlLikeNetHttp() {
        assertEquals("&lt;a href=&#34;x&#39;&amp;&gt;", GoUrl.htmlEscape("<a href=\"x'&>"));
    }
}
