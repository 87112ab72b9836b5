// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.util.Map;

/**
 * Options of one {@link OpenMetricsWriter#write write} call.
 *
 * @param timestamps whether sample lines end with the snapshot time (in seconds)
 * @param units the unit of a family by its prefixed metric name ({@code process_start_time_seconds}
 *     to {@code seconds}), written as {@code # UNIT}; only for names that really measure in that
 *     unit, and only where the family name ends with {@code _unit}, as OpenMetrics requires
 */
public record OpenMetricsOptions(boolean timestamps, Map<String, String> units) {
    /** Timestamps on, no units. */
    public static final OpenMetricsOptions DEFAULT = new OpenMetricsOptions(true, Map.of());

    /** Copies the units. */
    public OpenMetricsOptions {
        units = Map.copyOf(units);
    }
}
