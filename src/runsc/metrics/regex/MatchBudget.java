// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.regex;

import java.time.Duration;
import java.util.Objects;

/**
 * One time budget shared by several matches, such as all the matching one request does: each
 * {@link Re2Pattern#find(CharSequence, MatchBudget)} stops at the same deadline, so many cheap-looking
 * matches of a costly pattern cannot add up to more than the budget. The clock starts at the first
 * match, so that time spent between creating the budget and matching (waiting for a sandbox's reply,
 * say) does not count. Thread-safe.
 */
public final class MatchBudget {
    private final Duration total;
    private volatile long deadlineNanos;
    private volatile boolean started;

    private MatchBudget(Duration total) {
        this.total = Objects.requireNonNull(total, "total");
    }

    /**
     * {@return a budget of {@code total}, starting at its first match}
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

    /** {@return the deadline, a {@link System#nanoTime()} value; the first call starts the clock} */
    long deadlineNanos() {
        if (!started) {
            synchronized (this) {
                if (!started) {
                    deadlineNanos = System.nanoTime() + total.toNanos();
                    started = true;
                }
            }
        }
        return deadlineNanos;
    }
}
