// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeapBudgetTest {
    private static final long MIB = 1 << 20;

    @Test
    void theDefaultCapFitsAThousandSandboxesButNotTwoThousandFiveHundred() {
        // The launcher's -Xmx48m, as Runtime.maxMemory() reports it under SerialGC (a survivor space less).
        HeapBudget budget = new HeapBudget(46 * MIB);
        assertEquals(Optional.empty(), budget.check(0));
        assertEquals(Optional.empty(), budget.check(1000));
        assertTrue(budget.check(2500).isPresent());
    }

    @Test
    void warnsOnceWhenTheCountOutgrowsTheCapAndAgainAfterItFitsOnceMore() {
        HeapBudget budget = new HeapBudget(HeapBudget.needed(100));
        assertEquals(Optional.empty(), budget.check(100));
        String warning = budget.check(101).orElseThrow();
        assertEquals("warning: serving 101 sandboxes needs about " + (HeapBudget.needed(101) >> 20)
                + " MiB of heap, but the heap is capped at " + (HeapBudget.needed(100) >> 20)
                + " MiB: scrapes may fail for lack of memory; raise the cap, e.g. RUNSC_METRICS_JAVA_OPTS=-Xmx"
                + ((HeapBudget.needed(101) * 3 / 2 + MIB - 1) / MIB) + "m (see ENVIRONMENT in runsc-metrics(1))", warning);
        assertEquals(Optional.empty(), budget.check(101), "still over: said already");
        assertEquals(Optional.empty(), budget.check(5000), "still over: said already");
        assertEquals(Optional.empty(), budget.check(50));
        assertTrue(budget.check(200).isPresent(), "over again after fitting");
    }

    @Test
    void theSuggestedCapFitsTheCount() {
        for (int n : new int[] {1, 999, 2500, 100_000}) {
            String warning = new HeapBudget(1).check(n).orElseThrow();
            String mib = warning.replaceAll(".*-Xmx(\\d+)m.*", "$1");
            assertEquals(Optional.empty(), new HeapBudget(Long.parseLong(mib) * MIB).check(n), warning);
        }
    }

    @Test
    void aCapMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new HeapBudget(0));
    }
}
