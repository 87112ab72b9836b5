// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Debian package on this machine, as a packager's user meets it: install with {@code dpkg -i},
 * the launcher on PATH, a simulated root served through it, the units valid where they are
 * installed, then {@code dpkg --purge} and nothing left. Needs root and the package from
 * {@code make deb}; skipped without them (CI has both).
 */
class DebPackageTest {
    /** Where a package file could land: every path below these is compared before and after. */
    private static final List<Path> SEARCHED = List.of(Path.of("/usr"), Path.of("/etc"), Path.of("/lib/systemd"),
            Path.of("/var/lib"), Path.of("/run"));
    private static final Duration DPKG = Duration.ofMinutes(5);

    // Longer than the suite's 120 s default: dpkg -i and --purge of a 78 MB image, four JVM starts and two walks of /usr on a loaded machine.
    @Test
    @Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
    void installsServesAndPurgesWithoutATrace() throws Exception {
        Command.assumeRoot();
        Command.assume("dpkg", "dpkg");
        Path deb = Artifacts.deb();
        assertTrue(Command.run("dpkg-query", "-W", "runsc-metrics").exitCode() != 0,
                "runsc-metrics is already installed on this machine; the test needs it absent (dpkg --purge runsc-metrics)");
        Set<String> before = ourPaths();
        try {
            Command.run(List.of("dpkg", "-i", deb.toString()), Map.of("DEBIAN_FRONTEND", "noninteractive"), DPKG).ok();
            checkInstalled();
        } finally {
            Command.run(List.of("dpkg", "--purge", "runsc-metrics"), Map.of(), DPKG).ok();
        }
        assertTrue(Command.run("dpkg-query", "-W", "runsc-metrics").exitCode() != 0, "still known to dpkg after --purge");
        assertEquals(before, ourPaths(), "files named runsc-metrics before installing and after purging");
    }

    private static void checkInstalled() throws Exception {
        for (String file : List.of("/usr/bin/runsc-metrics", "/usr/lib/runsc-metrics/bin/java",
                "/usr/lib/runsc-metrics/lib/runsc-metrics.aot", "/usr/share/man/man1/runsc-metrics.1.gz",
                "/usr/share/doc/runsc-metrics/copyright", "/usr/share/doc/runsc-metrics/changelog.gz",
                "/lib/systemd/system/runsc-metrics.service", "/lib/systemd/system/runsc-metrics.socket",
                "/etc/default/runsc-metrics")) {
            assertTrue(Files.exists(Path.of(file)), file + " is not installed");
        }
        Command conffiles = Command.run("dpkg-query", "-W", "-f=${Conffiles}", "runsc-metrics").ok();
        assertTrue(conffiles.out().contains("/etc/default/runsc-metrics"), "not a conffile: " + conffiles.out());
        assertEquals(0, Command.run("getent", "group", "runsc-metrics").exitCode(), "the socket's group was not created");
        Command which = Command.run("sh", "-c", "command -v runsc-metrics").ok();
        assertEquals("/usr/bin/runsc-metrics", which.out().strip());
        Smoke.check(Path.of("/usr/bin/runsc-metrics"));
        if (Command.find("systemd-analyze").isPresent()) {
            // Where the units are installed their ExecStart exists, so verify checks everything but the
            // man page lookup (man-db may be absent on a build host).
            Command verify = Command.run("systemd-analyze", "verify", "--man=no",
                    "/lib/systemd/system/runsc-metrics.socket", "/lib/systemd/system/runsc-metrics.service");
            assertEquals(0, verify.exitCode(), verify.describe());
            assertEquals("", verify.err().strip() + verify.out().strip(), verify.describe());
        }
    }

    /** Every path under {@link #SEARCHED} whose name contains runsc-metrics (not following links). */
    private static Set<String> ourPaths() throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                Set<String> paths = new TreeSet<>();
                for (Path top : SEARCHED) {
                    if (Files.isDirectory(top, LinkOption.NOFOLLOW_LINKS)) {
                        try (Stream<Path> walk = Files.walk(top)) {
                            walk.filter(p -> p.getFileName() != null && p.getFileName().toString().contains("runsc-metrics"))
                                    .forEach(p -> paths.add(p.toString()));
                        }
                    }
                }
                return paths;
            } catch (java.io.UncheckedIOException e) {
                // Another process removed a directory while it was being walked (its temp files): walk again.
                if (attempt == 3) {
                    throw e.getCause();
                }
            }
        }
    }
}
