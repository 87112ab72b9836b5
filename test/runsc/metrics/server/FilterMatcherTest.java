// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

import runsc.metrics.regex.MatchBudget;
import runsc.metrics.regex.Re2Pattern;
import runsc.metrics.regex.RegexMatchLimitException;

/** A request's filter: each distinct text matched once, within the request's budget. */
class FilterMatcherTest {
    @Test
    void noFilterKeepsEverythingAndSendsNothing() throws Exception {
        FilterMatcher none = FilterMatcher.of(Optional.empty(), MatchBudget.of(Duration.ofMillis(1)));
        assertFalse(none.isPresent());
        assertEquals("", none.source());
        assertTrue(none.matches("anything"));
        assertTrue(none.matchedBefore("never matched"));
    }

    @Test
    void answersComputedOnceServeLaterCallsEvenWithTheBudgetSpent() throws Exception {
        // (.*)*X on a name with no X backtracks for far longer than the budget.
        FilterMatcher filter = FilterMatcher.of(Optional.of(Re2Pattern.compile("^fs_|(.*)*(.*)*(.*)*(.*)*(.*)*(.*)*X")),
                MatchBudget.of(Duration.ofMillis(200)));
        filter.matchAll(List.of("fs_opens", "fs_reads"));
        assertThrows(RegexMatchLimitException.class, () -> filter.matches("netstack_tcp_current_established"));
        assertTrue(filter.matches("fs_opens"), "answered from the first match, not matched again");
        assertTrue(filter.matchedBefore("fs_reads"));
        assertFalse(filter.matchedBefore("netstack_tcp_current_established"), "never answered");
    }
}
