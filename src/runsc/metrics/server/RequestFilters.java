// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import runsc.metrics.exposition.Verifier;
import runsc.metrics.regex.MatchBudget;
import runsc.metrics.regex.Re2Pattern;
import runsc.metrics.regex.RegexMatchLimitException;
import runsc.metrics.runtime.Capability;
import runsc.metrics.server.http.FilterRejectedException;
import runsc.metrics.server.http.MetricsQuery;

/**
 * The two filters of one {@code /metrics} request, matched against every string they can meet
 * before any sandbox is queried: the metrics filter against the metric names the served sandboxes
 * registered, the capability filter against both name forms of every capability. All of it shares
 * one {@link #BUDGET}; a filter that runs it out refuses the request (400), the same way for both.
 * The scrape then reuses the answers for every sandbox.
 *
 * <p>Requests match one at a time, in arrival order, so that clients sending costly patterns
 * together spend at most one core on matching and leave the rest to plain scrapes; a request
 * without filters never waits. A request that cannot start matching before its scrape deadline
 * fails (503) without matching at all.
 *
 * @param metrics      the metrics filter, its registered names matched
 * @param capabilities the capability filter, every capability name matched
 */
record RequestFilters(FilterMatcher metrics, FilterMatcher capabilities) {
    /** The time all the regular expression matching of one request may take. */
    static final Duration BUDGET = Re2Pattern.DEFAULT_MATCH_BUDGET;
    /** One request's matching at a time, first come first served. */
    static final Semaphore MATCHING = new Semaphore(1, true);

    /**
     * Matches the request's filters.
     *
     * @param query         the request
     * @param sandboxes     the served sandboxes, whose registrations name the metrics
     * @param deadlineNanos the request's scrape deadline, a {@link System#nanoTime()} value
     * @return the matched filters
     * @throws FilterRejectedException if a filter runs the budget out
     * @throws IOException if the deadline passes before this request's turn to match
     */
    static RequestFilters match(MetricsQuery query, List<ServedSandbox> sandboxes, long deadlineNanos)
            throws FilterRejectedException, IOException {
        if (query.metricsFilter().isEmpty() && query.capabilityFilter().isEmpty()) {
            return matchNow(query, sandboxes); // nothing to match
        }
        try {
            if (!MATCHING.tryAcquire(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new IOException("the scrape deadline passed while waiting to match the filters "
                        + "(other requests' filters were being matched)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to match the filters");
        }
        try {
            return matchNow(query, sandboxes);
        } finally {
            MATCHING.release();
        }
    }

    private static RequestFilters matchNow(MetricsQuery query, List<ServedSandbox> sandboxes) throws FilterRejectedException {
        MatchBudget budget = MatchBudget.of(BUDGET);
        FilterMatcher metrics = FilterMatcher.of(query.metricsFilter(), budget);
        try {
            metrics.matchAll(registeredNames(sandboxes));
        } catch (RegexMatchLimitException e) {
            throw tooCostly("metric", e);
        }
        FilterMatcher capabilities;
        try {
            capabilities = capabilities(query.capabilityFilter(), budget);
        } catch (RegexMatchLimitException e) {
            throw tooCostly("capability", e);
        }
        return new RequestFilters(metrics, capabilities);
    }

    /**
     * {@return a capability filter with both name forms of every capability matched}
     *
     * @param filter the filter, if any
     * @param budget the request's budget
     * @throws RegexMatchLimitException if the budget runs out
     */
    static FilterMatcher capabilities(Optional<Re2Pattern> filter, MatchBudget budget) throws RegexMatchLimitException {
        FilterMatcher matcher = FilterMatcher.of(filter, budget);
        if (matcher.isPresent()) {
            for (Capability c : Capability.values()) {
                matcher.matches(c.specName());
                matcher.matches(c.trimmedName());
            }
        }
        return matcher;
    }

    /** The distinct metric names of the sandboxes' registrations (sandboxes of one runsc build share them). */
    private static Set<String> registeredNames(List<ServedSandbox> sandboxes) {
        Set<String> names = new HashSet<>();
        for (ServedSandbox s : sandboxes) {
            Verifier v = s.verifier();
            if (v != null) {
                names.addAll(v.metricNames());
            }
        }
        return names;
    }

    private static FilterRejectedException tooCostly(String which, RegexMatchLimitException e) {
        return new FilterRejectedException("provided " + which + " filter is too costly to match: it ran past the "
                + BUDGET.toMillis() + " ms that all matching of one request may take", e);
    }
}
