// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.util.List;

/**
 * The metrics a sandbox registered ({@code sandbox.registeredMetrics} in its state file).
 *
 * @param metrics the metrics in registration order
 * @param stages the startup stage names (not used by the server)
 */
public record MetricRegistration(List<RegisteredMetric> metrics, List<String> stages) {
    /** Copies the lists. */
    public MetricRegistration {
        metrics = List.copyOf(metrics);
        stages = List.copyOf(stages);
    }
}
