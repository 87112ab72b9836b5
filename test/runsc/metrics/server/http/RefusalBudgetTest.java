// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token buckets of refused requests, on a clock the test moves. */
class RefusalBudgetTest {
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(123 * SECOND);
    private final RefusalBudget budget = new RefusalBudget(RefusalBudget.BURST, RefusalBudget.REFILL_PER_SECOND,
            RefusalBudget.MAX_CLIENTS, now::get);

    private void advance(double seconds) {
        now.addAndGet((long) (seconds * SECOND));
    }

    @Test
    void aClientIsRefusedOnceItsBurstIsSpentAndNotBefore() {
        for (int i = 1; i < RefusalBudget.BURST; i++) {
            assertFalse(budget.charge("192.0.2.1", 1), "emptied after " + i);
            assertEquals(0, budget.retryAfterSeconds("192.0.2.1"), "refused after " + i);
        }
        assertTrue(budget.charge("192.0.2.1", 1), "the last token did not empty the bucket");
        assertEquals(1, budget.retryAfterSeconds("192.0.2.1"));
        assertFalse(budget.charge("192.0.2.1", 1), "an empty bucket emptied again");
        assertEquals(0, budget.retryAfterSeconds("192.0.2.2"), "another client is refused");
        assertEquals(0, budget.retryAfterSeconds(""), "the unknown client is refused");
    }

    @Test
    void theRefillServesTheClientAgainAfterRetryAfter() {
        spend("192.0.2.1");
        long wait = budget.retryAfterSeconds("192.0.2.1");
        assertEquals(1, wait);
        advance(0.5);
        assertEquals(1, budget.retryAfterSeconds("192.0.2.1"), "Retry-After rounds up to whole seconds");
        advance(0.5);
        assertEquals(0, budget.retryAfterSeconds("192.0.2.1"), "still refused after Retry-After");
        // One token: one refusal goes through, then the client waits again.
        assertTrue(budget.charge("192.0.2.1", 1));
        assertEquals(1, budget.retryAfterSeconds("192.0.2.1"));
    }

    @Test
    void aSlowerRefillGivesALongerRetryAfter() {
        RefusalBudget slow = new RefusalBudget(2, 0.25, 8, now::get);
        slow.charge("c", 2);
        assertEquals(4, slow.retryAfterSeconds("c"));
        advance(3.5);
        assertEquals(1, slow.retryAfterSeconds("c"));
    }

    @Test
    void aRefusalThatUsedUpTheRegexBudgetCostsMore() {
        int refusals = 0;
        while (!budget.charge("192.0.2.1", RefusalBudget.REGEX_BUDGET_COST)) {
            refusals++;
        }
        assertEquals((RefusalBudget.BURST - 1) / RefusalBudget.REGEX_BUDGET_COST, refusals);
    }

    @Test
    void honestPatternsAreNeverRefused() {
        // A bad filter every 15 s, a burst of five at once, a bad filter every 2 s, and one that
        // used up the regex budget every 3 s, each for an hour.
        assertNeverRefused(15, 1, 1);
        assertNeverRefused(15, 5, 1);
        assertNeverRefused(2, 1, 1);
        assertNeverRefused(3, 1, RefusalBudget.REGEX_BUDGET_COST);
    }

    private void assertNeverRefused(double everySeconds, int atOnce, int cost) {
        String client = "honest-" + everySeconds + "-" + atOnce + "-" + cost;
        for (double t = 0; t < 3600; t += everySeconds) {
            for (int i = 0; i < atOnce; i++) {
                assertEquals(0, budget.retryAfterSeconds(client), client + " refused at " + t + " s");
                assertFalse(budget.charge(client, cost), client + " emptied at " + t + " s");
            }
            advance(everySeconds);
        }
    }

    @Test
    void theTableIsBoundedUnderAFloodOfAddresses() {
        RefusalBudget small = new RefusalBudget(RefusalBudget.BURST, RefusalBudget.REFILL_PER_SECOND, 64, now::get);
        for (int i = 0; i < 100_000; i++) {
            small.charge("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), 1);
            assertTrue(small.clients() <= 64, "table grew to " + small.clients());
        }
        assertEquals(64, small.clients());
        RefusalBudget defaults = new RefusalBudget();
        for (int i = 0; i < 3 * RefusalBudget.MAX_CLIENTS; i++) {
            defaults.charge("198.51." + (i >> 8 & 255) + "." + (i & 255), 1);
        }
        assertEquals(RefusalBudget.MAX_CLIENTS, defaults.clients());
    }

    @Test
    void aFullTableDropsTheLeastRecentlyUsedClientWhenNoBucketIsFull() {
        RefusalBudget small = new RefusalBudget(RefusalBudget.BURST, RefusalBudget.REFILL_PER_SECOND, 4, now::get);
        spend(small, "attacker");
        for (int i = 0; i < 3; i++) {
            small.charge("honest-" + i, 1);
        }
        advance(0.5);
        small.retryAfterSeconds("attacker"); // the attacker keeps connecting: it is in use
        small.charge("newcomer", 1);
        assertEquals(4, small.clients());
        assertEquals(1, small.retryAfterSeconds("attacker"), "the limited client in use was dropped");
    }

    @Test
    void aFullTableDropsRefilledBucketsBeforeTheLeastRecentlyUsed() {
        RefusalBudget small = new RefusalBudget(RefusalBudget.BURST, RefusalBudget.REFILL_PER_SECOND, 4, now::get);
        spend(small, "attacker");
        for (int i = 0; i < 3; i++) {
            small.charge("honest-" + i, 1);
        }
        advance(1); // the honest buckets are full again, the attacker's holds one token
        small.charge("newcomer", 1);
        assertEquals(2, small.clients(), "the full buckets were kept");
        assertTrue(small.charge("attacker", 1), "the attacker's bucket was dropped, though not full");
    }

    private void spend(String client) {
        spend(budget, client);
    }

    private static void spend(RefusalBudget b, String client) {
        while (!b.charge(client, 1)) {
            // until the charge that empties the bucket
        }
    }

    @Test
    void theUnknownClientIsNeverCharged() {
        for (int i = 0; i < 100; i++) {
            assertFalse(budget.charge("", 1));
        }
        assertEquals(0, budget.retryAfterSeconds(""));
        assertEquals(0, budget.clients());
    }

    @Test
    void badFiguresAreRefusedWithTheirName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RefusalBudget(0, 1, 1, now::get))
                .getMessage().contains("burst"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RefusalBudget(1, 0, 1, now::get))
                .getMessage().contains("refill"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RefusalBudget(1, 1, 0, now::get))
                .getMessage().contains("table"));
    }

    @Test
    void theAnswersCarryRetryAfterAndClose() throws Exception {
        HttpResponse r = RefusalBudget.tooManyRequests(7);
        assertEquals(429, r.status());
        assertTrue(r.close());
        assertTrue(r.headers().contains(new Header("Retry-After", "7")), r.headers().toString());
        List<RawResponses.Response> raw = RawResponses.parseAll(RefusalBudget.acceptRefusal(7));
        assertEquals(1, raw.size());
        assertEquals(429, raw.getFirst().status());
        assertEquals("Too Many Requests", raw.getFirst().reason());
        assertEquals("7", raw.getFirst().headers().get("retry-after"));
        assertEquals("close", raw.getFirst().headers().get("connection"));
        assertEquals(new String(r.buffer(), 0, r.bodyLength(), StandardCharsets.UTF_8), raw.getFirst().body());
    }
}
