// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.util.HashMap;
import java.util.Map;

import runsc.metrics.control.ContainerStats;
import runsc.metrics.runtime.SandboxLabels;

/**
 * The highest CPU figure the metric server has served for each container of one served sandbox,
 * so that {@code container_cpu_usage_seconds_total} never falls within a series. runsc computes a
 * pod container's CPU as its share of the sentry's accounting applied to the host cgroup's usage,
 * and that share shrinks when another container of the pod works harder: one container's figure can
 * be lower on one scrape than on the one before (264 ms, then 214 ms), which {@code rate()} would
 * read as a counter reset. The server serves the highest figure seen so far instead.
 *
 * <p>A series is the sandbox, its {@code iteration} and the container. The sandbox is this object's
 * owner ({@link ServedSandbox}), so the entries go with it when the server stops serving the
 * sandbox; a new iteration clears them, since a re-created sandbox's counters restart at zero in a
 * new series. Containers come from the sandbox's state files, read once when the server takes the
 * sandbox on, so there is at most one entry per container of a served sandbox. A container whose
 * read fails keeps its entry, so that its next figure cannot fall below the one served before.
 * Thread-safe; one sandbox's reads are serialised by its query lock anyway.
 */
final class CpuHighWater {
    private final Map<String, Long> highest = new HashMap<>();
    private String iteration = "";

    /**
     * Records one read and returns it with floors that keep every container's CPU at or above
     * what was served before in its series.
     *
     * @param read the stats of one read of the sandbox
     * @return {@code read} with each answering container's highest figure so far as its floor
     */
    synchronized StatsWriter.SandboxStats raise(StatsWriter.SandboxStats read) {
        String now = read.labels().getOrDefault(SandboxLabels.ITERATION, "");
        if (!now.equals(iteration)) {
            highest.clear();
            iteration = now;
        }
        Map<String, Long> floors = new HashMap<>();
        for (ContainerStats c : read.containers()) {
            floors.put(c.containerId(), highest.merge(c.containerId(), read.cpuNanos(c), Math::max));
        }
        return read.withCpuFloor(floors);
    }

    /** {@return how many containers have an entry} */
    synchronized int size() {
        return highest.size();
    }
}
