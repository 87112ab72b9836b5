// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import java.io.IOException;
import java.io.OutputStream;

/** Produces the body of {@code /metrics}: the scrape of every served sandbox, as exposition text. */
@FunctionalInterface
public interface MetricsSource {
    /**
     * Scrapes and writes the exposition text. The router buffers {@code out}; the implementation
     * must not close it.
     *
     * @param query the filters and the arrival time of the request
     * @param out where to write the exposition bytes
     * @throws FilterRejectedException if a filter cannot be applied (checked before any sandbox is
     *     queried): the answer is 400 with the exception's message
     * @throws IOException if the scrape or the write failed: with nothing written the answer is
     *     503 with the exception's message, otherwise the bytes written so far are sent (as
     *     upstream, whose response is then cut short)
     */
    void writeMetrics(MetricsQuery query, OutputStream out) throws IOException;
}
