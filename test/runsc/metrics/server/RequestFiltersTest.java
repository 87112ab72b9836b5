// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import runsc.metrics.regex.Re2Pattern;
import runsc.metrics.server.http.MetricsQuery;

/** Requests match their filters one at a time; a request without filters never waits for that. */
class RequestFiltersTest {
    private static final long SHORT = TimeUnit.MILLISECONDS.toNanos(200);

    private static MetricsQuery query(String metrics, String capabilities) throws Exception {
        return new MetricsQuery(metrics.isEmpty() ? Optional.empty() : Optional.of(Re2Pattern.compile(metrics)),
                capabilities.isEmpty() ? Optional.empty() : Optional.of(Re2Pattern.compile(capabilities)), System.nanoTime());
    }

    @Test
    void aRequestWhoseDeadlinePassesWhileAnotherMatchesFailsWithoutMatching() throws Exception {
        RequestFilters.MATCHING.acquire(); // another request's matching in progress
        try {
            for (MetricsQuery q : List.of(query("^fs_", ""), query("", "KILL"))) {
                IOException e = assertThrows(IOException.class,
                        () -> RequestFilters.match(q, List.of(), System.nanoTime() + SHORT));
                assertTrue(e.getMessage().startsWith("the scrape deadline passed while waiting to match the filters"),
                        e.getMessage());
            }
            RequestFilters none = RequestFilters.match(query("", ""), List.of(), System.nanoTime() + SHORT);
            assertFalse(none.metrics().isPresent() || none.capabilities().isPresent());
        } finally {
            RequestFilters.MATCHING.release();
        }
        RequestFilters matched = RequestFilters.match(query("", "KILL"), List.of(), System.nanoTime() + SHORT);
        assertTrue(matched.capabilities().matches("CAP_KILL"));
        assertTrue(RequestFilters.MATCHING.tryAcquire(), "the turn to match was given back");
        RequestFilters.MATCHING.release();
    }
}
