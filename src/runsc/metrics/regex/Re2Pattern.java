// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.regex;

import java.time.Duration;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A compiled regular expression in Go's RE2 dialect.
 *
 * <p>{@link #compile(String)} accepts exactly what Go's {@code regexp.Compile} accepts, for the
 * syntax this project meets (see {@link Re2ErrorCode} for what is rejected), and {@link #find}
 * matches anywhere in the input, like Go's {@code MatchString}. Matching is backtracking
 * underneath, so each call has a time budget instead of RE2's linear-time guarantee.
 *
 * <pre>{@code
 * Re2Pattern p = Re2Pattern.compile("^fs_(opens|reads)$");
 * p.find("fs_opens");   // true
 * }</pre>
 */
public final class Re2Pattern {
    /** Time budget of one {@link #find(CharSequence)}: far above any metric name or label match. */
    public static final Duration DEFAULT_MATCH_BUDGET = Duration.ofMillis(250);

    private final String source;
    private final Pattern pattern;

    private Re2Pattern(String source, Pattern pattern) {
        this.source = source;
        this.pattern = pattern;
    }

    /**
     * Compiles a pattern written in RE2 syntax.
     *
     * @param re2 the pattern
     * @return the compiled pattern
     * @throws Re2SyntaxException with Go's message if RE2 rejects the pattern
     */
    public static Re2Pattern compile(String re2) throws Re2SyntaxException {
        String java = Re2Translator.translate(re2);
        try {
            return new Re2Pattern(re2, Pattern.compile(java));
        } catch (PatternSyntaxException e) {
            if (e.getDescription().startsWith("Stack overflow")) {
                // Pattern.compile turns its own StackOverflowError into this exception.
                throw new Re2SyntaxException(Re2ErrorCode.NESTING_DEPTH, re2);
            }
            // The translator only emits syntax java.util.regex accepts; reaching this is a bug
            // in the translation, reported as an invalid pattern rather than a crash.
            throw new Re2SyntaxException(Re2ErrorCode.INVALID_PERL_OP, re2);
        }
    }

    /**
     * Returns the pattern as written, in RE2 syntax.
     *
     * @return the source text
     */
    public String source() {
        return source;
    }

    /**
     * Returns the translated java.util.regex pattern text (for diagnostics and tests).
     *
     * @return the Java pattern text
     */
    public String javaSource() {
        return pattern.pattern();
    }

    /**
     * Tells whether the pattern matches anywhere in the input, within
     * {@link #DEFAULT_MATCH_BUDGET}.
     *
     * @param input the text to search
     * @return true if some part of the input matches
     * @throws RegexMatchLimitException if the match ran out of time or stack
     */
    public boolean find(CharSequence input) throws RegexMatchLimitException {
        return find(input, DEFAULT_MATCH_BUDGET);
    }

    /**
     * Tells whether the pattern matches anywhere in the input, within a time budget.
     *
     * @param input the text to search
     * @param budget how long the match may take
     * @return true if some part of the input matches
     * @throws RegexMatchLimitException if the match ran out of time or stack
     */
    public boolean find(CharSequence input, Duration budget) throws RegexMatchLimitException {
        long deadline = System.nanoTime() + budget.toNanos();
        try {
            return pattern.matcher(new DeadlineCharSequence(input, deadline)).find();
        } catch (DeadlineCharSequence.DeadlineExceeded e) {
            throw new RegexMatchLimitException("regular expression `" + source + "` took longer than "
                    + budget.toMillis() + " ms on an input of " + input.length() + " characters", e);
        } catch (StackOverflowError e) {
            throw new RegexMatchLimitException("regular expression `" + source
                    + "` needs too deep a recursion on an input of " + input.length() + " characters", null);
        }
    }

    /**
     * Tells whether the pattern matches anywhere in the input, within what is left of a budget
     * shared with other matches.
     *
     * @param input the text to search
     * @param budget the shared budget
     * @return true if some part of the input matches
     * @throws RegexMatchLimitException if the budget ran out during this match, or the stack did
     */
    public boolean find(CharSequence input, MatchBudget budget) throws RegexMatchLimitException {
        try {
            return pattern.matcher(new DeadlineCharSequence(input, budget.deadlineNanos())).find();
        } catch (DeadlineCharSequence.DeadlineExceeded e) {
            throw new RegexMatchLimitException("regular expression `" + source + "` ran past its matching budget of "
                    + budget.total().toMillis() + " ms (on an input of " + input.length() + " characters)", e);
        } catch (StackOverflowError e) {
            throw new RegexMatchLimitException("regular expression `" + source
                    + "` needs too deep a recursion on an input of " + input.length() + " characters", null);
        }
    }

    @Override
    public String toString() {
        return source;
    }
}
