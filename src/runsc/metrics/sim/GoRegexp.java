// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import java.util.function.Predicate;
import runsc.metrics.gotext.GoQuote;
import runsc.metrics.regex.Re2Pattern;
import runsc.metrics.regex.Re2SyntaxException;
import runsc.metrics.regex.RegexMatchLimitException;

/**
 * Compiles the {@code only_metrics} filter as a sandbox does (Go RE2, matched unanchored on the
 * unprefixed metric name) and, when it is invalid, words the error as a real sandbox does:
 * {@code cannot compile regexp "(": error parsing regexp: missing closing ): `(`}.
 */
final class GoRegexp {
    private GoRegexp() {}

    /** A compile failure carrying the sandbox's error text. */
    static final class InvalidRegexp extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidRegexp(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * {@return an unanchored matcher for {@code regex}; a match that runs out of its time budget
     * counts as no match}
     */
    static Predicate<String> compile(String regex) throws InvalidRegexp {
        Re2Pattern pattern;
        try {
            pattern = Re2Pattern.compile(regex);
        } catch (Re2SyntaxException e) {
            throw new InvalidRegexp("cannot compile regexp " + GoQuote.quote(regex) + ": " + e.getMessage(), e);
        }
        return name -> {
            try {
                return pattern.find(name);
            } catch (RegexMatchLimitException e) {
                return false;
            }
        };
    }

}
