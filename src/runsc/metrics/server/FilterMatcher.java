// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import runsc.metrics.regex.MatchBudget;
import runsc.metrics.regex.Re2Pattern;
import runsc.metrics.regex.RegexMatchLimitException;

/**
 * A filter as one request applies it. The strings a filter meets form a small set (the registered
 * metric names, the capability names), while a scrape meets each of them once per sandbox; so each
 * distinct string is matched once, within the request's {@link MatchBudget}, and the answer is
 * reused. Thread-safe: the scrape's workers share one instance.
 */
public final class FilterMatcher {
    private static final FilterMatcher NONE = new FilterMatcher(null, null);

    private final Re2Pattern pattern;
    private final MatchBudget budget;
    private final ConcurrentHashMap<String, Boolean> answers = new ConcurrentHashMap<>();

    private FilterMatcher(Re2Pattern pattern, MatchBudget budget) {
        this.pattern = pattern;
        this.budget = budget;
    }

    /** {@return the filter that keeps everything} */
    public static FilterMatcher none() {
        return NONE;
    }

    /**
     * {@return a matcher of {@code pattern}, or {@link #none()} when it is empty}
     *
     * @param pattern the filter, if any
     * @param budget  the time all of this request's matching may take, shared with its other filters
     */
    public static FilterMatcher of(Optional<Re2Pattern> pattern, MatchBudget budget) {
        Objects.requireNonNull(budget, "budget");
        return pattern.map(p -> new FilterMatcher(p, budget)).orElse(NONE);
    }

    /** {@return true if there is a filter} */
    public boolean isPresent() {
        return pattern != null;
    }

    /** {@return the filter as written, "" for none} */
    public String source() {
        return pattern == null ? "" : pattern.source();
    }

    /**
     * Tells whether the filter matches anywhere in {@code text}; always true without a filter.
     *
     * @param text a metric or capability name
     * @return the answer, computed once per distinct text
     * @throws RegexMatchLimitException if the request's budget ran out while matching
     */
    public boolean matches(String text) throws RegexMatchLimitException {
        if (pattern == null) {
            return true;
        }
        Boolean known = answers.get(text);
        if (known != null) {
            return known;
        }
        // Two workers may match the same new text at once; both get the same answer.
        boolean found = pattern.find(text, budget);
        answers.put(text, found);
        return found;
    }

    /**
     * The answer {@link #matches} gave for {@code text}, without matching again.
     *
     * @param text a text
     * @return the answer; false for a text never matched (true without a filter)
     */
    public boolean matchedBefore(String text) {
        return pattern == null || answers.getOrDefault(text, false);
    }

    /**
     * Matches every text now, so that a pattern too costly for the budget fails here, before
     * anything else is done, rather than half-way through a scrape.
     *
     * @param texts the texts the filter will meet
     * @throws RegexMatchLimitException if the budget runs out
     */
    public void matchAll(Iterable<String> texts) throws RegexMatchLimitException {
        for (String t : texts) {
            matches(t);
        }
    }
}
