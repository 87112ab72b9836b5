// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.regex;

import java.time.Duration;
import java.util.Objects;

/**
 * One time budget shared by several matches, such as all the matching one request does: each
 * {@link Re2Pattern#find(CharSequence, MatchBudget)} stops at the same deadline, so many cheap-looking
 * matches of a costly pattern cannot add up to more than the budget. Starts when created.
 */
public final class MatchBudget {
    private final Duration total;
    private final long deadlineNanos;

    private MatchBudget(Duration total) {
        this.total = Objects.requireNonNull(total, "total");
        this.deadlineNanos = System.nanoTime() + total.toNanos();
    }

    /**
     * {@return a budget of {@code total}, starting now}
     *
     * @param total how long all the matches together may take
     */
    public static MatchBudget of(Duration total) {
        return new MatchBudget(total);
    }

    /** {@return the whole budget, for messages} */
    public Duration total() {
        return total;
    }

    /** {@return the deadline, a {@link System#nanoTime()} value} */
    long deadlineNanos() {
        return deadlineNanos;
    }
}
