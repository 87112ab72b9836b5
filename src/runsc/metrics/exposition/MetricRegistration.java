// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.util.List;
import runsc.metrics.json.JsonValue;

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

    /**
     * Decodes the {@code registeredMetrics} value of a state file as Go's {@code encoding/json}
     * does: exact keys first, then case-insensitive ones; unknown keys ignored; absent or null
     * members keep their zero values ({@code omitempty}); integers must be integer tokens in range.
     * A JSON {@code null} for the whole value means the sandbox asked for no metrics; the caller
     * handles that before calling this.
     *
     * @param value the {@code registeredMetrics} value, an object
     * @return the registration
     * @throws InvalidRegistrationException if a member has the wrong JSON type or range; the
     *     message starts with the path, for example {@code registeredMetrics.metrics[3].type}
     */
    public static MetricRegistration fromJson(JsonValue value) throws InvalidRegistrationException {
        return RegistrationJson.registration(value, "registeredMetrics");
    }
}
