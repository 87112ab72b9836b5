// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import runsc.metrics.server.http.SandboxListing;

/** The sandboxes endpoint lists discovery's verdict on every state file it does not serve. */
class DiscoveryListingTest {
    @Test
    void listsEveryStateFileNotServedWithItsVerdictAndReason() {
        List<SeenStateFile> seen = List.of(
                new SeenStateFile("a_sandbox:a.state", "a", "/run/m.sock", SeenStateFile.Status.SERVED, ""),
                new SeenStateFile("b_sandbox:b.state", "b", "/other.sock", SeenStateFile.Status.ADDRESS_DIFFERS,
                        "records \"/other.sock\", this server is \"/run/m.sock\""),
                new SeenStateFile("c_sandbox:c.state", "c", "", SeenStateFile.Status.LOCKED, ""));
        List<SandboxListing.Entry> entries = DiscoveryListing.notServed(seen);
        assertEquals(List.of(
                new SandboxListing.Entry("b_sandbox:b.state", "b", "/other.sock", SandboxListing.Status.NOT_SERVED,
                        "address_differs: records \"/other.sock\", this server is \"/run/m.sock\"",
                        SandboxListing.LastScrape.NONE),
                new SandboxListing.Entry("c_sandbox:c.state", "c", "", SandboxListing.Status.NOT_SERVED, "locked",
                        SandboxListing.LastScrape.NONE)), entries);
    }
}
