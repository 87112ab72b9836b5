// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ServerConfigTest {
    private static ServerConfig with(int parallel, Duration scrape, Duration floor, Duration refresh) {
        return ServerConfig.of("/r", ":9", "runsc_", parallel).withDeadlines(scrape, floor).withRefreshInterval(refresh);
    }

    @Test
    void hasUpstreamsDefaults() {
        ServerConfig c = ServerConfig.of("/run/runsc", "/run/m.sock", "runsc_", ServerConfig.DEFAULT_MAX_PARALLEL);
        assertEquals(Path.of("/run/runsc"), c.root());
        assertEquals("/run/runsc", c.rootText());
        assertEquals(Duration.ofSeconds(30), c.scrapeDeadline());
        assertEquals(Duration.ofSeconds(8), c.minSandboxTimeout());
        assertEquals(Duration.ofSeconds(20), c.refreshInterval());
        assertEquals(8, c.maxParallel());
        assertEquals(8, c.maxConcurrentScrapes());
        assertEquals("runsc_meta_", c.metaPrefix());
        assertEquals(TransportLimits.DEFAULTS, c.limits());
    }

    @Test
    void withersChangeOnlyTheirPart() {
        ServerConfig c = ServerConfig.of("/run/runsc", "%RUNTIME_ROOT%/m.sock", "runsc_", 3);
        ServerConfig moved = c.withAddress("/run/runsc/m.sock");
        assertEquals("/run/runsc/m.sock", moved.address());
        assertEquals(c, moved.withAddress(c.address()));
        assertEquals(50, c.withMaxConcurrentScrapes(50).maxConcurrentScrapes());
        TransportLimits one = TransportLimits.DEFAULTS.withMaxConnections(1);
        assertEquals(one, c.withLimits(one).limits());
        assertEquals(3, c.withLimits(one).maxParallel());
    }

    @Test
    void tlsIsOffByDefaultAndKeptByTheOtherWithers() {
        ServerConfig c = ServerConfig.of("/run/runsc", "127.0.0.1:9100", "runsc_", 3);
        assertEquals(Optional.empty(), c.tls());
        Optional<TlsSettings> tls = Optional.of(new TlsSettings(Path.of("c.pem"), Path.of("k.pem"), Optional.empty(),
                TlsSettings.ClientAuth.NONE));
        ServerConfig secured = c.withTls(tls);
        assertEquals(tls, secured.withAddress("127.0.0.1:9101").withLimits(TransportLimits.DEFAULTS)
                .withMaxConcurrentScrapes(2).withRefreshInterval(Duration.ofSeconds(5))
                .withDeadlines(Duration.ofSeconds(9), Duration.ofSeconds(1)).tls());
    }

    @Test
    void tlsSettingsHaveACaFileExactlyWhenClientCertificatesAreAskedFor() {
        Path c = Path.of("c.pem");
        Path ca = Path.of("ca.pem");
        assertEquals("client certificates are asked for (REQUIRED) but no client CA file is given",
                assertThrows(IllegalArgumentException.class, () -> new TlsSettings(c, c, Optional.empty(),
                        TlsSettings.ClientAuth.REQUIRED)).getMessage());
        assertEquals("a client CA file is given but client certificates are not asked for",
                assertThrows(IllegalArgumentException.class, () -> new TlsSettings(c, c, Optional.of(ca),
                        TlsSettings.ClientAuth.NONE)).getMessage());
        assertEquals(Optional.of(ca), new TlsSettings(c, c, Optional.of(ca), TlsSettings.ClientAuth.OPTIONAL).clientCaFile());
    }

    @Test
    void rejectsParallelismOutsideItsLimits() {
        Duration s = Duration.ofSeconds(1);
        assertEquals("max parallel queries must be 1 to 1024, got 0",
                assertThrows(IllegalArgumentException.class, () -> with(0, s, s, s)).getMessage());
        assertEquals("max parallel queries must be 1 to 1024, got 1025",
                assertThrows(IllegalArgumentException.class, () -> with(1025, s, s, s)).getMessage());
        with(1024, s, s, s);
        assertEquals("max concurrent scrapes must be at least 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.of("/r", ":9", "", 1).withMaxConcurrentScrapes(0)).getMessage());
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

    @Test
    void rejectsTransportLimitsThatCannotWork() {
        TransportLimits d = TransportLimits.DEFAULTS;
        assertEquals("idle timeout must be positive, got PT0S", assertThrows(IllegalArgumentException.class,
                () -> d.withTimeouts(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .getMessage());
        assertEquals("header timeout must be positive, got PT0S", assertThrows(IllegalArgumentException.class,
                () -> d.withTimeouts(Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .getMessage());
        assertEquals("response timeout must be positive, got PT-1S", assertThrows(IllegalArgumentException.class,
                () -> d.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
                        Duration.ofSeconds(-1))).getMessage());
        assertEquals("connection cap per user must be 1 to 64, got 65",
                assertThrows(IllegalArgumentException.class, () -> d.withMaxConnectionsPerUser(65)).getMessage());
        assertEquals(2, d.withMaxConnections(2).maxConnectionsPerUser(), "the share per user shrinks with the cap");
        assertEquals(16, d.reservedForRoot());
        assertEquals(0, d.withMaxConnections(3).reservedForRoot());
        assertEquals("connection cap must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> d.withMaxConnections(0)).getMessage());
    }
}
