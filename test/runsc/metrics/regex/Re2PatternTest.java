// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.regex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Re2PatternTest {
    private static boolean find(String pattern, String input) throws Exception {
        return Re2Pattern.compile(pattern).find(input);
    }

    private static String error(String pattern) {
        return assertThrows(Re2SyntaxException.class, () -> Re2Pattern.compile(pattern)).getMessage();
    }

    @Test
    void matchesAnywhereUnlessAnchored() throws Exception {
        assertTrue(find("fs_", "runsc_fs_opens"));
        assertTrue(find("^fs_opens$", "fs_opens"));
        assertFalse(find("^fs_opens$", "xfs_opens"));
        assertFalse(find("zzzz", "fs_opens"));
    }

    @Test
    void dollarMatchesOnlyAtTheVeryEndWithoutMultiLine() throws Exception {
        assertFalse(find("a$", "a\n"));
        assertTrue(find("(?m)a$", "a\nb"));
        assertFalse(find("(?m)a$", "ab"));
    }

    @Test
    void caretInMultiLineModeMatchesAfterEveryNewline() throws Exception {
        assertTrue(find("(?m)^b", "a\nb"));
        assertFalse(find("^b", "a\nb"));
        assertTrue(find("(?m)^$", "a\n"));
    }

    @Test
    void dotExcludesOnlyNewlineUnlessFlagS() throws Exception {
        assertFalse(find("^.$", "\n"));
        assertTrue(find("^.$", "\r"));
        assertTrue(find("(?s)^.$", "\n"));
        assertTrue(find("^.$", "\uD83D\uDE00"));
    }

    @Test
    void perlSpaceClassExcludesVerticalTabAsInRe2() throws Exception {
        assertFalse(find("\\s", "\u000B"));
        assertTrue(find("\\s", "\t"));
        assertTrue(find("[[:space:]]", "\u000B"));
        assertTrue(find("\\S", "\u000B"));
    }

    @Test
    void translatesNamedGroupsInBothSpellings() throws Exception {
        assertTrue(find("(?P<first>a+)b", "xaab"));
        assertTrue(find("(?<first_name>a+)b", "xaab"));
        assertEquals("(a+)b", Re2Pattern.compile("(?P<n_1>a+)b").javaSource());
    }

    @Test
    void translatesPosixClassesInsideBrackets() throws Exception {
        assertTrue(find("^[[:alpha:]]+$", "abcXYZ"));
        assertFalse(find("^[[:alpha:]]+$", "abc1"));
        assertFalse(find("[[:^digit:]]", "123"));
        assertTrue(find("^[[:word:][:punct:]]+$", "a_b!c"));
        assertTrue(find("^[^[:lower:]]$", "A"));
    }

    @Test
    void quotesTextBetweenQAndE() throws Exception {
        assertTrue(find("\\Qa.b\\E", "a.b"));
        assertFalse(find("\\Qa.b\\E", "axb"));
        assertTrue(find("^\\Q(*)", "(*)"));
        assertTrue(find("^\\Qab\\E+$", "abbb"));
    }

    @Test
    void treatsUnparsableBraceAsLiteral() throws Exception {
        assertTrue(find("^a{,5}$", "a{,5}"));
        assertTrue(find("^a{01}$", "a{01}"));
        assertTrue(find("^x{2}$", "xx"));
        assertTrue(find("^x{2,}$", "xxx"));
        assertTrue(find("^x{1,2}$", "xx"));
    }

    @Test
    void caseFoldingAppliesToTheScopeOfTheFlag() throws Exception {
        assertTrue(find("(?i)ABC", "abc"));
        assertTrue(find("a(?i:B)c", "abc"));
        assertFalse(find("a(?i:b)C", "abc"));
        assertTrue(find("(?i)a(?-i)B", "AB"));
        assertFalse(find("(?i)a(?-i)B", "Ab"));
    }

    @Test
    void ungreedyFlagSwapsGreediness() throws Exception {
        assertEquals("a+?b*", Re2Pattern.compile("(?U)a+b*?").javaSource());
    }

    @Test
    void repeatsEmptyAssertionsAsGoAllows() throws Exception {
        assertTrue(find("^*a", "a"));
        assertTrue(find("\\b+a", "a"));
        assertTrue(find("(a*)*b", "aab"));
    }

    @Test
    void appliesRepetitionAfterFlagGroupToThePreviousAtom() throws Exception {
        assertTrue(find("^a(?i)*$", "aaa"));
        assertTrue(find("^ab(?i)+c$", "abbbC"));
    }

    @Test
    void supportsEscapesOfRe2() throws Exception {
        assertTrue(find("^\\x41\\x{42}\\103$", "ABC"));
        assertTrue(find("^\\0$", "\0"));
        assertTrue(find("^\\a\\f\\t\\n\\r\\v$", "\u0007\f\t\n\r\u000B"));
        assertTrue(find("^\\_\\-\\/$", "_-/"));
        assertTrue(find("\\Aab\\z", "ab"));
        assertTrue(find("\\bword\\b", "a word here"));
        assertFalse(find("\\Bword", "a word"));
    }

    @Test
    void supportsUnicodeClasses() throws Exception {
        assertTrue(find("^\\pL+$", "abcé"));
        assertTrue(find("^\\p{Greek}+$", "αβγ"));
        assertFalse(find("\\p{Greek}", "abc"));
        assertTrue(find("^\\PL$", "1"));
        assertTrue(find("^\\p{^L}$", "1"));
        assertTrue(find("^[\\p{Lu}\\d]+$", "AB12"));
        assertTrue(find("^\\p{Any}$", "\n"));
    }

    @Test
    void looksUpUnicodeNamesLikeCurrentGo() throws Exception {
        assertTrue(find("^\\p{greek}+$", "αβ"));
        assertTrue(find("^\\p{Uppercase_Letter}$", "A"));
        assertFalse(find("\\p{uppercase-letter}", "a"));
        assertTrue(find("^\\p{Letter}$", "é"));
        assertTrue(find("^\\p{LC}$", "a"));
        assertTrue(find("^\\p{ASCII}+$", "abc"));
        assertFalse(find("\\p{ASCII}", "é"));
        assertTrue(find("^\\p{Assigned}$", "a"));
        assertFalse(find("\\p{Assigned}", "\u0378"));
        assertTrue(find("^\\p{Old_Italic}$", "\uD800\uDF00"));
        assertEquals("[\\p{Lu}]", Re2Pattern.compile("\\p{LU}").javaSource());
    }

    @Test
    void handlesSpecialCharactersInClasses() throws Exception {
        assertTrue(find("^[]a]+$", "]a"));
        assertTrue(find("^[a-]+$", "-a"));
        assertTrue(find("^[^]a]$", "b"));
        assertTrue(find("^[&&[]+$", "&&["));
        assertTrue(find("^[\\d\\s]+$", "1 2"));
        assertTrue(find("^[\\D]$", "x"));
        assertTrue(find("^[\\x{1F600}-\\x{1F64F}]$", "\uD83D\uDE00"));
    }

    @Test
    void keepsTheSourceText() throws Exception {
        assertEquals("^fs_(opens|reads)$", Re2Pattern.compile("^fs_(opens|reads)$").source());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            (               | error parsing regexp: missing closing ): `(`
            a(bc            | error parsing regexp: missing closing ): `a(bc`
            a)              | error parsing regexp: unexpected ): `a)`
            [a              | error parsing regexp: missing closing ]: `[a`
            x[]             | error parsing regexp: missing closing ]: `[]`
            a**             | error parsing regexp: invalid nested repetition operator: `**`
            a*+             | error parsing regexp: invalid nested repetition operator: `*+`
            a++b            | error parsing regexp: invalid nested repetition operator: `++`
            a?*?            | error parsing regexp: invalid nested repetition operator: `?*?`
            a{2}{3}         | error parsing regexp: invalid nested repetition operator: `{2}{3}`
            \\1             | error parsing regexp: invalid escape sequence: `\\1`
            (a)\\1          | error parsing regexp: invalid escape sequence: `\\1`
            \\8             | error parsing regexp: invalid escape sequence: `\\8`
            \\q             | error parsing regexp: invalid escape sequence: `\\q`
            \\Z             | error parsing regexp: invalid escape sequence: `\\Z`
            \\C             | error parsing regexp: invalid escape sequence: `\\C`
            \\xZZ           | error parsing regexp: invalid escape sequence: `\\xZZ`
            [\\b]           | error parsing regexp: invalid escape sequence: `\\b`
            (?=a)           | error parsing regexp: invalid or unsupported Perl syntax: `(?=`
            (?!a)           | error parsing regexp: invalid or unsupported Perl syntax: `(?!`
            (?>a)           | error parsing regexp: invalid or unsupported Perl syntax: `(?>`
            (?#note)        | error parsing regexp: invalid or unsupported Perl syntax: `(?#`
            (?i             | error parsing regexp: invalid or unsupported Perl syntax: `(?i`
            (?-)            | error parsing regexp: invalid or unsupported Perl syntax: `(?-)`
            (?P=n)          | error parsing regexp: invalid or unsupported Perl syntax: `(?P`
            (?<=a)b         | error parsing regexp: invalid named capture: `(?<=a)b`
            (?P<>a)         | error parsing regexp: invalid named capture: `(?P<>`
            (?P<a-b>x)      | error parsing regexp: invalid named capture: `(?P<a-b>`
            *a              | error parsing regexp: missing argument to repetition operator: `*`
            "a|*"           | error parsing regexp: missing argument to repetition operator: `*`
            (+)             | error parsing regexp: missing argument to repetition operator: `+`
            (?i)*           | error parsing regexp: missing argument to repetition operator: `*`
            {2}             | error parsing regexp: missing argument to repetition operator: `{2}`
            a{1001}         | error parsing regexp: invalid repeat count: `{1001}`
            a{2,1}          | error parsing regexp: invalid repeat count: `{2,1}`
            a{2,1000000000} | error parsing regexp: invalid repeat count: `{2,1000000000}`
            a{1000000000}   | error parsing regexp: invalid repeat count: `{1000000000}`
            (a{100}){100}   | error parsing regexp: invalid repeat count: `{100}`
            [[:foo:]]       | error parsing regexp: invalid character class range: `[:foo:]`
            \\p{Foo}        | error parsing regexp: invalid character class range: `\\p{Foo}`
            \\p{Latn}       | error parsing regexp: invalid character class range: `\\p{Latn}`
            \\pX            | error parsing regexp: invalid character class range: `\\pX`
            [z-a]           | error parsing regexp: invalid character class range: `z-a`
            """)
    void rejectsWhatRe2RejectsWithGosMessage(String pattern, String message) {
        assertEquals(message, error(pattern));
    }

    @Test
    void rejectsTrailingBackslashWithEmptyExpression() {
        Re2SyntaxException e = assertThrows(Re2SyntaxException.class, () -> Re2Pattern.compile("ab\\"));
        assertEquals("error parsing regexp: trailing backslash at end of expression: ``", e.getMessage());
        assertEquals(Re2ErrorCode.TRAILING_BACKSLASH, e.code());
        assertEquals("", e.expression());
    }

    @Test
    void rejectsUnpairedSurrogateAsInvalidUtf8() {
        assertEquals("error parsing regexp: invalid UTF-8: `\uDC80x`", error("a\uDC80x"));
    }

    @Test
    void rejectsNestingDeeperThanTheLimit() throws Exception {
        int limit = Re2Translator.MAX_NESTING;
        Re2Pattern.compile("(".repeat(limit) + "a" + ")".repeat(limit));
        String deep = "(".repeat(limit + 1) + "a" + ")".repeat(limit + 1);
        Re2SyntaxException e = assertThrows(Re2SyntaxException.class, () -> Re2Pattern.compile(deep));
        assertEquals(Re2ErrorCode.NESTING_DEPTH, e.code());
        assertEquals(deep, e.expression());
    }

    @Test
    void acceptsRepeatCountsUpToTheLimit() throws Exception {
        assertEquals(1000, Re2Translator.MAX_REPEAT);
        Re2Pattern.compile("a{1000}");
        Re2Pattern.compile("(a{10}){100}");
        Re2Pattern.compile("(a{0}){1000}");
        assertEquals("error parsing regexp: invalid repeat count: `{101}`", error("(a{10}){101}"));
    }

    @Test
    void handlesPatternsJavaWouldBacktrackOnAsMemoized() throws Exception {
        assertFalse(Re2Pattern.compile("(a+)+$").find("a".repeat(100) + "!"));
    }

    @Test
    void boundsCatastrophicBacktracking() throws Exception {
        // java.util.regex memoizes simple cases such as (a+)+$; this one still backtracks exponentially.
        Re2Pattern p = Re2Pattern.compile("(.*a){25}");
        String input = "a".repeat(40) + "!";
        RegexMatchLimitException e = assertThrows(RegexMatchLimitException.class,
                () -> p.find(input, Duration.ofMillis(50)));
        assertEquals("regular expression `(.*a){25}` took longer than 50 ms on an input of 41 characters", e.getMessage());
    }

    @Test
    void reportsRecursionTooDeepForTheStack() throws Exception {
        Re2Pattern p = Re2Pattern.compile("^(a|b)*$");
        RegexMatchLimitException e = assertThrows(RegexMatchLimitException.class,
                () -> p.find("ab".repeat(500_000), Duration.ofSeconds(30)));
        assertEquals("regular expression `^(a|b)*$` needs too deep a recursion on an input of 1000000 characters",
                e.getMessage());
    }

    @Test
    void defaultBudgetAlsoStopsBacktracking() throws Exception {
        Re2Pattern p = Re2Pattern.compile("(.*a){30}");
        assertThrows(RegexMatchLimitException.class, () -> p.find("a".repeat(60) + "b"));
    }
}
