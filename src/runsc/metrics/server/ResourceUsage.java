// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * What one scrape read of one sandbox's resource usage ({@code containerManager.Event}, asked only
 * with {@code --resource-stats}): the stats of every container that answered, and the first
 * failure, if a call failed. A failure here never costs the sandbox its metric data; the server
 * counts it in {@code meta_num_sandboxes_broken_stats} instead.
 *
 * @param stats   the containers that answered (possibly none), with the sandbox's host CPU time
 * @param failure the first failed call of this scrape, if any
 */
public record ResourceUsage(StatsWriter.SandboxStats stats, Optional<IOException> failure) {
    /** Checks for nulls. */
    public ResourceUsage {
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(failure, "failure");
    }

    /** {@return whether a call failed, so that the sandbox counts as having broken stats} */
    public boolean broken() {
        return failure.isPresent();
    }
}
