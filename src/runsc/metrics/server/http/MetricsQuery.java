// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import java.util.Objects;
import java.util.Optional;
import runsc.metrics.regex.Re2Pattern;

/**
 * What a {@code /metrics} request asks for.
 *
 * @param metricsFilter {@code runsc-sandbox-metrics-filter}: keep sandbox metrics whose
 *     unprefixed name it matches anywhere; empty when the parameter is absent or empty
 * @param capabilityFilter {@code runsc-capability-filter}: keep {@code sandbox_capabilities}
 *     lines whose {@code CAP_<NAME>} or {@code <NAME>} it matches anywhere; empty when absent
 * @param receivedNanos {@link System#nanoTime()} when the request arrived at the router; the
 *     30 s scrape deadline counts from here
 */
public record MetricsQuery(Optional<Re2Pattern> metricsFilter, Optional<Re2Pattern> capabilityFilter,
                           long receivedNanos) {
    /** Checks for nulls. */
    public MetricsQuery {
        Objects.requireNonNull(metricsFilter, "metricsFilter");
        Objects.requireNonNull(capabilityFilter, "capabilityFilter");
    }
}
