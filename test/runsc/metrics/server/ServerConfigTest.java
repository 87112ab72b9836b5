// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class ServerConfigTest {
    private static ServerConfig with(int parallel, Duration scrape, Duration floor, Duration refresh) {
        return new ServerConfig(Path.of("/r"), "/r", ":9", "runsc_", parallel, scrape, floor, refresh);
    }

    @Test
    void hasUpstreamsDefaults() {
        ServerConfig c = ServerConfig.of("/run/runsc", "/run/m.sock", "runsc_", ServerConfig.DEFAULT_MAX_PARALLEL);
        assertEquals(Path.of("/run/runsc"), c.root());
        assertEquals(Duration.ofSeconds(30), c.scrapeDeadline());
        assertEquals(Duration.ofSeconds(8), c.minSandboxTimeout());
        assertEquals(Duration.ofSeconds(20), c.refreshInterval());
        assertEquals(8, c.maxParallel());
        assertEquals("runsc_meta_", c.metaPrefix());
    }

    @Test
    void rejectsParallelismOutsideItsLimits() {
        Duration s = Duration.ofSeconds(1);
        assertEquals("max parallel queries must be 1 to 1024, got 0",
                assertThrows(IllegalArgumentException.class, () -> with(0, s, s, s)).getMessage());
        assertEquals("max parallel queries must be 1 to 1024, got 1025",
                assertThrows(IllegalArgumentException.class, () -> with(1025, s, s, s)).getMessage());
        with(1024, s, s, s);
    }

    @Test
    void rejectsDurationsThatAreNotPositive() {
        Duration s = Duration.ofSeconds(1);
        assertEquals("scrape deadline must be positive, got PT0S",
                assertThrows(IllegalArgumentException.class, () -> with(8, Duration.ZERO, s, s)).getMessage());
        assertEquals("minimum sandbox timeout must be positive, got PT-1S",
                assertThrows(IllegalArgumentException.class, () -> with(8, s, Duration.ofSeconds(-1), s)).getMessage());
        assertEquals("refresh interval must be positive, got PT0S",
                assertThrows(IllegalArgumentException.class, () -> with(8, s, s, Duration.ZERO)).getMessage());
        assertEquals("refresh interval",
                assertThrows(NullPointerException.class, () -> with(8, s, s, null)).getMessage());
    }
}
