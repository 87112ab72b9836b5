// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import runsc.metrics.json.JsonValue;

/**
 * The {@code sandbox} object of a container state file, reduced to what the metric server uses.
 *
 * @param id sandbox ID
 * @param podName {@code podName}, empty if absent
 * @param namespace {@code namespace}, empty if absent
 * @param pid sandbox process PID; 0 means not running
 * @param registeredMetrics {@code registeredMetrics} as raw JSON, or {@code null} if absent or
 *     {@code null} (the sandbox did not request instrumentation); the exposition package parses it
 * @param metricMetadata {@code metricMetadata}, verbatim and in file order
 * @param metricServerAddress {@code metricServerAddress}, raw (may contain {@code %RUNTIME_ROOT%})
 * @param controlSocketPath {@code controlSocketPath}, empty if absent
 * @param checkpointed {@code checkpointed} (newer runsc; false if absent)
 * @param restored {@code restored} (newer runsc; false if absent)
 * @param cpuTimeSavedNanos {@code cpuTimeSaved} in nanoseconds (newer runsc; 0 if absent)
 * @param wallTimeSavedNanos {@code wallTimeSaved} in nanoseconds (newer runsc; 0 if absent)
 */
public record Sandbox(String id, String podName, String namespace, long pid, JsonValue registeredMetrics,
        Map<String, String> metricMetadata, String metricServerAddress, String controlSocketPath,
        boolean checkpointed, boolean restored, long cpuTimeSavedNanos, long wallTimeSavedNanos) {
    /** Requires the strings and copies the metadata, keeping its order. */
    public Sandbox {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(podName, "podName");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(metricServerAddress, "metricServerAddress");
        Objects.requireNonNull(controlSocketPath, "controlSocketPath");
        metricMetadata = Collections.unmodifiableMap(new LinkedHashMap<>(metricMetadata));
        if (metricMetadata.containsValue(null)) {
            throw new NullPointerException("null metricMetadata value");
        }
    }

    /**
     * Returns this sandbox without its registration. A served sandbox keeps its verifier, built
     * from the registration once; the raw JSON (tens of kilobytes per sandbox) need not stay.
     *
     * @return a copy whose {@link #registeredMetrics()} is null, or this if it already is
     */
    public Sandbox withoutRegisteredMetrics() {
        return registeredMetrics == null ? this : new Sandbox(id, podName, namespace, pid, null, metricMetadata,
                metricServerAddress, controlSocketPath, checkpointed, restored, cpuTimeSavedNanos, wallTimeSavedNanos);
    }

    /**
     * Returns the CPU time saved by a restore, in whole milliseconds (truncated toward zero).
     *
     * @return {@code cpuTimeSavedNanos / 1_000_000}
     */
    public long cpuTimeSavedMillis() {
        return cpuTimeSavedNanos / 1_000_000;
    }

    /**
     * Returns the wall time saved by a restore, in whole milliseconds (truncated toward zero).
     *
     * @return {@code wallTimeSavedNanos / 1_000_000}
     */
    public long wallTimeSavedMillis() {
        return wallTimeSavedNanos / 1_000_000;
    }

    /**
     * Tells whether the sandbox process is alive ({@link Liveness#isRunning(long)} of {@link #pid()}).
     *
     * @return whether it runs
     */
    public boolean isRunning() {
        return Liveness.isRunning(pid);
    }
}
