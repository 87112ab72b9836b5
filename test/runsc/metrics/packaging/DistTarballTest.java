// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import runsc.metrics.testing.ScratchDir;

/** The offline tarball (make dist), unpacked anywhere, passes the same smoke check as the package. */
class DistTarballTest {
    // Longer than the suite's 120 s default: unpacking the 32 MB tarball and four JVM starts.
    @Test
    @Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
    void unpackedCopyHasWhatTheReadmeSaysAndServes() throws Exception {
        Path tarball = Artifacts.tarball();
        String top = tarball.getFileName().toString().replace(".tar.gz", "");
        Command listing = Command.run("tar", "-tzvf", tarball.toString()).ok();
        Set<String> names = new TreeSet<>();
        for (String line : listing.out().split("\n")) {
            assertTrue(line.contains(" 0/0 "), "not owned by 0/0: " + line);
            names.add(line.substring(line.indexOf(top + "/")));
        }
        for (String file : List.of("bin/runsc-metrics", "bin/java", "lib/modules", "lib/runsc-metrics.aot",
                "man/man1/runsc-metrics.1", "systemd/runsc-metrics.service", "systemd/runsc-metrics.socket",
                "systemd/runsc-metrics.default", "README.md", "LICENSE")) {
            assertTrue(names.contains(top + "/" + file), top + "/" + file + " is not in " + tarball);
        }
        assertTrue(names.stream().noneMatch(n -> n.endsWith("/.stamp")), "the build's stamp file is in the tarball");

        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pd");
        try {
            Command.run("tar", "-xzf", tarball.toString(), "-C", dir.toString()).ok();
            Smoke.check(dir.resolve(top).resolve("bin/runsc-metrics"));
            // Through a symlink on PATH, as the README's install step puts it.
            Path bin = Files.createDirectory(dir.resolve("bin"));
            Files.createSymbolicLink(bin.resolve("runsc-metrics"), dir.resolve(top).resolve("bin/runsc-metrics"));
            Command v = Command.run(bin.resolve("runsc-metrics").toString(), "--version").ok();
            assertTrue(v.out().startsWith("runsc-metrics version " + Smoke.version()), v.describe());
            assertEquals("", v.err(), "stderr of --version through a symlink");
        } finally {
            ScratchDir.deleteTree(dir);
        }
    }
}
