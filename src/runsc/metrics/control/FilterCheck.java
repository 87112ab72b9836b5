// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import java.util.function.Predicate;
import runsc.metrics.exposition.Data;
import runsc.metrics.exposition.Snapshot;

/**
 * The client-side re-check of a {@code Metrics.Export} filter, done by both {@code export-metrics}
 * and the metric server: with a non-empty filter, every metric the sandbox returned must match it.
 * The matcher is the caller's (an unanchored find of the RE2-dialect filter on the unprefixed name),
 * so that this package needs no regular expression engine of its own.
 */
public final class FilterCheck {
    private FilterCheck() {}

    /**
     * Checks every data point's metric name.
     *
     * @param sandboxId the sandbox, for the message
     * @param filter    the filter text that was sent; "" means no filter and nothing is checked
     * @param matches   true if a metric name matches the filter
     * @param snapshot  the snapshot the sandbox returned
     * @throws ControlException ({@link ControlException.Kind#PROTOCOL}) naming the first metric that
     *                          does not match: {@code metric "x" violated the filter set in export options}
     */
    public static void requireMatches(String sandboxId, String filter, Predicate<String> matches, Snapshot snapshot)
            throws ControlException {
        if (filter.isEmpty()) {
            return;
        }
        for (Data d : snapshot.data()) {
            if (!matches.test(d.metric().name())) {
                throw new ControlException(sandboxId, ControlException.Kind.PROTOCOL, "metric \"" + d.metric().name()
                        + "\" violated the filter set in export options (filter \"" + filter + "\")", null, null);
            }
        }
    }
}
