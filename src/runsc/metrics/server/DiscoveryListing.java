// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import runsc.metrics.runtime.FullId;
import runsc.metrics.runtime.LoadedSandbox;
import runsc.metrics.server.http.SandboxListing;

/**
 * The {@link SandboxListing} of a running server, from what discovery already knows: the served
 * sandboxes as of the latest refresh, each with the address it recorded and its last scrape, plus
 * the state files seen but not served that {@code notServed} gives. Nothing is read from the root
 * for a request, so the listing answers at once whatever the root holds, and cannot be used to
 * read any file.
 */
final class DiscoveryListing implements SandboxListing {
    private final SandboxDiscovery discovery;
    private final Supplier<List<Entry>> notServed;

    /**
     * Creates the listing.
     *
     * @param discovery the server's discovery
     * @param notServed the entries of state files seen but not served, with their reasons
     */
    DiscoveryListing(SandboxDiscovery discovery, Supplier<List<Entry>> notServed) {
        this.discovery = discovery;
        this.notServed = notServed;
    }

    @Override
    public List<Entry> sandboxes() {
        List<ServedSandbox> served = discovery.servedNow();
        List<Entry> entries = new ArrayList<>(served.size());
        for (ServedSandbox s : served) {
            LoadedSandbox loaded = s.loaded();
            String address = loaded == null ? "" : loaded.sandbox().metricServerAddress();
            // A sandbox's root container has the sandbox's ID, so this is the file it was served from.
            entries.add(new Entry(new FullId(s.id(), s.id()).stateFileName(), s.id(), address, Status.SERVED, "",
                    s.lastScrape()));
        }
        entries.addAll(notServed.get());
        return entries;
    }

    /**
     * The entries of the state files discovery saw and does not serve, each with its verdict and
     * reason, such as {@code address_differs: ...}.
     *
     * @param seen discovery's records of the last refresh
     * @return one entry per state file not served
     */
    static List<Entry> notServed(List<SeenStateFile> seen) {
        List<Entry> entries = new ArrayList<>();
        for (SeenStateFile f : seen) {
            if (f.status() != SeenStateFile.Status.SERVED) {
                String verdict = f.status().name().toLowerCase(Locale.ROOT);
                entries.add(new Entry(f.fileName(), f.sandboxId(), f.recordedAddress(), Status.NOT_SERVED,
                        f.reason().isEmpty() ? verdict : verdict + ": " + f.reason(), LastScrape.NONE));
            }
        }
        return entries;
    }
}
