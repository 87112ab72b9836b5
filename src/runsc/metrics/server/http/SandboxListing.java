// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What {@code GET /runsc-metrics/sandboxes} lists: every sandbox state file the server has seen,
 * served or not, with the reason, the address it recorded and, for a served one, how its last
 * scrape went. The router calls it as it calls {@link MetricsSource} for {@code /metrics}; it
 * answers from what discovery already knows, never by reading files for the request.
 */
@FunctionalInterface
public interface SandboxListing {
    /**
     * The sandboxes as of the latest discovery refresh, in any order.
     *
     * @return the entries
     */
    List<Entry> sandboxes();

    /** Whether a sandbox is served. */
    enum Status {
        /** Its metrics are in {@code /metrics}. */
        SERVED,
        /** Seen but not served; the entry's reason says why. */
        NOT_SERVED
    }

    /**
     * One state file.
     *
     * @param stateFile  the state file's name in the root (no directory)
     * @param id         the sandbox ID its name gives
     * @param address    the {@code --metric-server} address it recorded, "" if unknown
     * @param status     served or not
     * @param reason     why not served, "" for a served sandbox
     * @param lastScrape how its last scrape went ({@link LastScrape.None} if never scraped or not served)
     */
    record Entry(String stateFile, String id, String address, Status status, String reason, LastScrape lastScrape) {
        /** Checks for nulls. */
        public Entry {
            Objects.requireNonNull(stateFile, "stateFile");
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(lastScrape, "lastScrape");
        }
    }

    /** The outcome of a served sandbox's last scrape. */
    sealed interface LastScrape {
        /** Not scraped yet. */
        record None() implements LastScrape {}

        /**
         * Its snapshot was verified and written.
         *
         * @param at when the query ended
         */
        record Ok(Instant at) implements LastScrape {}

        /**
         * No data: the query, the filter check or the verifier failed, or the deadline passed.
         *
         * @param at    when the query ended
         * @param error why
         */
        record Broken(Instant at, String error) implements LastScrape {}

        /** The outcome of a sandbox never scraped. */
        LastScrape NONE = new None();
    }
}
