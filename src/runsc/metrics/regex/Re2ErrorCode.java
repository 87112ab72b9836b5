// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.regex;

/** The error codes of Go's {@code regexp/syntax} package, with Go's text for each. */
public enum Re2ErrorCode {
    /** A character class such as {@code [:foo:]} or {@code \p{Foo}} that does not exist. */
    INVALID_CHAR_RANGE("invalid character class range"),
    /** An escape sequence RE2 does not know, such as {@code \1} or {@code \q}. */
    INVALID_ESCAPE("invalid escape sequence"),
    /** A bad name in {@code (?P<name>...)}. */
    INVALID_NAMED_CAPTURE("invalid named capture"),
    /** {@code (?} followed by something RE2 does not support: lookaround, atomic groups, comments. */
    INVALID_PERL_OP("invalid or unsupported Perl syntax"),
    /** Stacked repetition such as {@code a**} or the possessive {@code a*+}. */
    INVALID_REPEAT_OP("invalid nested repetition operator"),
    /** A repetition count above 1000, or {@code {2,1}}. */
    INVALID_REPEAT_SIZE("invalid repeat count"),
    /** Text that is not valid UTF-8 (here: an unpaired surrogate). */
    INVALID_UTF8("invalid UTF-8"),
    /** A {@code [} without its {@code ]}. */
    MISSING_BRACKET("missing closing ]"),
    /** A {@code (} without its {@code )}. */
    MISSING_PAREN("missing closing )"),
    /** A repetition operator with nothing to repeat, such as {@code *a}. */
    MISSING_REPEAT_ARGUMENT("missing argument to repetition operator"),
    /** A backslash at the very end. */
    TRAILING_BACKSLASH("trailing backslash at end of expression"),
    /** A {@code )} without its {@code (}. */
    UNEXPECTED_PAREN("unexpected )"),
    /** Groups nested deeper than the limit. */
    NESTING_DEPTH("expression nests too deeply");

    private final String text;

    Re2ErrorCode(String text) {
        this.text = text;
    }

    /**
     * Returns Go's text for this code.
     *
     * @return for example {@code missing closing )}
     */
    public String text() {
        return text;
    }
}
