// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import java.util.Objects;
import java.util.Optional;
import runsc.metrics.exposition.ExpositionFormat;
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
 * @param format the format negotiated from the request's {@code Accept} ({@link FormatNegotiation})
 */
public record MetricsQuery(Optional<Re2Pattern> metricsFilter, Optional<Re2Pattern> capabilityFilter,
                           long receivedNanos, ExpositionFormat format) {
    /** Checks for nulls. */
    public MetricsQuery {
        Objects.requireNonNull(metricsFilter, "metricsFilter");
        Objects.requireNonNull(capabilityFilter, "capabilityFilter");
        Objects.requireNonNull(format, "format");
    }

    /**
     * A query for the text format.
     *
     * @param metricsFilter the sandbox metrics filter
     * @param capabilityFilter the capability filter
     * @param receivedNanos when the request arrived
     */
    public MetricsQuery(Optional<Re2Pattern> metricsFilter, Optional<Re2Pattern> capabilityFilter, long receivedNanos) {
        this(metricsFilter, capabilityFilter, receivedNanos, ExpositionFormat.TEXT);
    }
}
