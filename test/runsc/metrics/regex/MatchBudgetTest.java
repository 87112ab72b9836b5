// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.regex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One budget for several matches. */
class MatchBudgetTest {
    /** Backtracks for seconds on this input; RE2 would not. */
    private static final String COSTLY = "(.*)*(.*)*(.*)*(.*)*(.*)*(.*)*X";
    private static final String LONG_NAME = "fs_read_latency_nanoseconds";
    /** Long enough that a search reads it past the clock-check interval. */
    private static final String MANY_READS = "a".repeat(4 * DeadlineCharSequence.CHECK_INTERVAL);

    @Test
    void theClockStartsAtTheFirstMatchNotAtCreation() throws Exception {
        MatchBudget budget = MatchBudget.of(Duration.ofMillis(100));
        Thread.sleep(300);
        assertFalse(Re2Pattern.compile("x").find(MANY_READS, budget));
    }

    @Test
    void matchesShareOneDeadline() throws Exception {
        MatchBudget budget = MatchBudget.of(Duration.ofMillis(200));
        Re2Pattern costly = Re2Pattern.compile(COSTLY);
        RegexMatchLimitException e = assertThrows(RegexMatchLimitException.class, () -> costly.find(LONG_NAME, budget));
        assertEquals("regular expression `" + COSTLY + "` ran past its matching budget of 200 ms (on an input of "
                + LONG_NAME.length() + " characters)", e.getMessage());
        // A search that alone would fit has nothing left of the shared budget.
        assertThrows(RegexMatchLimitException.class, () -> Re2Pattern.compile("x").find(MANY_READS, budget));
        // One that reads less than the clock-check interval is not worth stopping.
        assertTrue(Re2Pattern.compile("^fs_").find(LONG_NAME, budget));
    }
}
