// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.gotext;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GoQuoteTest {
    @Test
    void quotesLikeGoStrconvQuote() {
        assertEquals("\"fs_\"", GoQuote.quote("fs_"));
        assertEquals("\"^fs_opens$\"", GoQuote.quote("^fs_opens$"));
        assertEquals("\"a\\\"b\\\\c\"", GoQuote.quote("a\"b\\c"));
        assertEquals("\"\\a\\b\\f\\n\\r\\t\\v\"", GoQuote.quote("\u0007\b\f\n\r\t\u000b"));
        assertEquals("\"\\x00\\x1b\\x7f\"", GoQuote.quote("\u0000\u001b\u007f"));
        assertEquals("\"é😀\"", GoQuote.quote("é😀"));
        assertEquals("\"\\u00a0\\u2028\"", GoQuote.quote("\u00a0\u2028"));
        assertEquals("\"\\U000e0001\"", GoQuote.quote(new String(Character.toChars(0xe0001))));
        assertEquals("\"\\u200b\"", GoQuote.quote("\u200b"));
        assertEquals("\"\\ufffd\"", GoQuote.quote("\ud800"));
        assertEquals("\"é日本 \"", GoQuote.quote("é日本 "));
    }
}
