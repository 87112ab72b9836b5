// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.regex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class Re2PatternTest {
    private static boolean find(String pattern, String input) throws Exception {
        return Re2Pattern.compile(pattern).find(input);
    }

    private static String error(String pattern) {
        return assertThrows(Re2SyntaxException.class, () -> Re2Pattern.compile(pattern)).getMessage();
    }

    /** A pattern, an input, and whether Go's {@code regexp.MatchString} finds a match in it. */
    private record Find(String pattern, String input, boolean matches) {
        /** Pattern, verdict and input, with what is not printable ASCII in RE2's {@code \x{...}} notation. */
        @Override
        public String toString() {
            String shown = input.codePoints().mapToObj(c -> c >= 0x20 && c < 0x7f ? Character.toString(c)
                    : String.format("\\x{%X}", c)).collect(Collectors.joining());
            return pattern + (matches ? " matches " : " does not match ") + shown;
        }
    }

    private static Find match(String pattern, String input) {
        return new Find(pattern, input, true);
    }

    private static Find noMatch(String pattern, String input) {
        return new Find(pattern, input, false);
    }

    /** What Go's regexp finds, rule by rule. */
    static Stream<Find> goFinds() {
        return Stream.of(
                // Matches anywhere unless anchored.
                match("fs_", "runsc_fs_opens"),
                match("^fs_opens$", "fs_opens"),
                noMatch("^fs_opens$", "xfs_opens"),
                noMatch("zzzz", "fs_opens"),
                // Dollar matches only at the very end without multi-line mode.
                noMatch("a$", "a\n"),
                match("(?m)a$", "a\nb"),
                noMatch("(?m)a$", "ab"),
                // Caret in multi-line mode matches after every newline.
                match("(?m)^b", "a\nb"),
                noMatch("^b", "a\nb"),
                match("(?m)^$", "a\n"),
                // Dot excludes only newline unless flag s.
                noMatch("^.$", "\n"),
                match("^.$", "\r"),
                match("(?s)^.$", "\n"),
                match("^.$", "\uD83D\uDE00"),
                // Perl space class excludes vertical tab, as in RE2.
                noMatch("\\s", "\u000B"),
                match("\\s", "\t"),
                match("[[:space:]]", "\u000B"),
                match("\\S", "\u000B"),
                // Translates named groups in both spellings.
                match("(?P<first>a+)b", "xaab"),
                match("(?<first_name>a+)b", "xaab"),
                // Translates POSIX classes inside brackets.
                match("^[[:alpha:]]+$", "abcXYZ"),
                noMatch("^[[:alpha:]]+$", "abc1"),
                noMatch("[[:^digit:]]", "123"),
                match("^[[:word:][:punct:]]+$", "a_b!c"),
                match("^[^[:lower:]]$", "A"),
                // Quotes the text between \Q and \E.
                match("\\Qa.b\\E", "a.b"),
                noMatch("\\Qa.b\\E", "axb"),
                match("^\\Q(*)", "(*)"),
                match("^\\Qab\\E+$", "abbb"),
                // Treats unparsable brace as literal.
                match("^a{,5}$", "a{,5}"),
                match("^a{01}$", "a{01}"),
                match("^x{2}$", "xx"),
                match("^x{2,}$", "xxx"),
                match("^x{1,2}$", "xx"),
                // Case folding applies to the scope of the flag.
                match("(?i)ABC", "abc"),
                match("a(?i:B)c", "abc"),
                noMatch("a(?i:b)C", "abc"),
                match("(?i)a(?-i)B", "AB"),
                noMatch("(?i)a(?-i)B", "Ab"),
                // Repeats empty assertions, as Go allows.
                match("^*a", "a"),
                match("\\b+a", "a"),
                match("(a*)*b", "aab"),
                // Applies repetition after flag group to the previous atom.
                match("^a(?i)*$", "aaa"),
                match("^ab(?i)+c$", "abbbC"),
                // Supports the escapes of RE2.
                match("^\\x41\\x{42}\\103$", "ABC"),
                match("^\\0$", "\0"),
                match("^\\a\\f\\t\\n\\r\\v$", "\u0007\f\t\n\r\u000B"),
                match("^\\_\\-\\/$", "_-/"),
                match("\\Aab\\z", "ab"),
                match("\\bword\\b", "a word here"),
                noMatch("\\Bword", "a word"),
                // Supports Unicode classes.
                match("^\\pL+$", "abcé"),
                match("^\\p{Greek}+$", "αβγ"),
                noMatch("\\p{Greek}", "abc"),
                match("^\\PL$", "1"),
                match("^\\p{^L}$", "1"),
                match("^[\\p{Lu}\\d]+$", "AB12"),
                match("^\\p{Any}$", "\n"),
                // Looks up Unicode names like current Go.
                match("^\\p{greek}+$", "αβ"),
                match("^\\p{Uppercase_Letter}$", "A"),
                noMatch("\\p{uppercase-letter}", "a"),
                match("^\\p{Letter}$", "é"),
                match("^\\p{LC}$", "a"),
                match("^\\p{ASCII}+$", "abc"),
                noMatch("\\p{ASCII}", "é"),
                match("^\\p{Assigned}$", "a"),
                noMatch("\\p{Assigned}", "\u0378"),
                match("^\\p{Old_Italic}$", "\uD800\uDF00"),
                // Handles special characters in classes.
                match("^[]a]+$", "]a"),
                match("^[a-]+$", "-a"),
                match("^[^]a]$", "b"),
                match("^[&&[]+$", "&&["),
                match("^[\\d\\s]+$", "1 2"),
                match("^[\\D]$", "x"),
                match("^[\\x{1F600}-\\x{1F64F}]$", "\uD83D\uDE00"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goFinds")
    void findsWhatGoFinds(Find f) throws Exception {
        assertEquals(f.matches(), find(f.pattern(), f.input()), f::toString);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            (?P<n_1>a+)b | (a+)b
            (?U)a+b*?    | a+?b*
            \\p{LU}      | [\\p{Lu}]
            """)
    void translatesToTheJavaSyntax(String re2, String java) throws Exception {
        assertEquals(java, Re2Pattern.compile(re2).javaSource());
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
