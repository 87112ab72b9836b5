// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The metric data of one source taken at one time.
 *
 * <p>{@code zone} and {@code monotonicNanos} only change how the time is printed in the summary
 * comment (Go's {@code time.Time.String()}): snapshots decoded from a sandbox reply are in UTC with
 * no monotonic reading; snapshots the server makes itself carry its local zone and the nanoseconds
 * since process start, printed as {@code  m=+S.NNNNNNNNN}.
 *
 * @param when when the data was taken; every line of the snapshot carries it in Unix milliseconds
 * @param data the data points, in the order they are written within a metric group
 * @param zone the zone used to print {@code when}
 * @param monotonicNanos Go's monotonic reading, if the time has one
 */
public record Snapshot(Instant when, List<Data> data, ZoneId zone, OptionalLong monotonicNanos) {
    /** Checks for nulls and copies the data list. */
    public Snapshot {
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(monotonicNanos, "monotonicNanos");
        data = List.copyOf(data);
    }

    /**
     * Creates a snapshot in UTC with no monotonic reading, as decoded from a sandbox.
     *
     * @param when when the data was taken
     * @param data the data points
     */
    public Snapshot(Instant when, List<Data> data) {
        this(when, data, ZoneOffset.UTC, OptionalLong.empty());
    }
}
