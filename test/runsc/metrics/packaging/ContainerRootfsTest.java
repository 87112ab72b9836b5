// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import runsc.metrics.testing.ProjectFiles;
import runsc.metrics.testing.RealRunsc;
import runsc.metrics.testing.ScratchDir;

/**
 * The container image of deploy/container/Containerfile, without a container engine (none runs
 * here): its root file system is built the same way (the offline tarball unpacked into
 * /usr/lib/runsc-metrics, the launcher linked into /usr/bin, the C library, /bin/sh and readlink
 * of the base image) and run by real gVisor runsc as an OCI bundle, with the image's entry point.
 */
class ContainerRootfsTest {
    static final Path CONTAINERFILE = ProjectFiles.resolve("deploy/container/Containerfile");
    /** The base image's programs the launcher uses. */
    static final List<String> BASE_TOOLS = List.of("/bin/sh", "/usr/bin/readlink");
    private static final Pattern LIBRARY = Pattern.compile("(?:=> )?(/\\S+) \\(0x");

    // Longer than the suite's 120 s default: unpacking the tarball, ldd on every library, a gVisor sandbox start.
    @Test
    @Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
    void theTarballRunsAsAContainerUnderGvisor() throws Exception {
        RealRunsc.assumeBinary();
        Path tarball = Artifacts.tarball();
        String containerfile = Files.readString(CONTAINERFILE);
        assertTrue(containerfile.contains("ENTRYPOINT [\"/usr/bin/runsc-metrics\"]"), "the entry point this test runs");
        assertTrue(containerfile.contains("ADD ${TARBALL} /usr/lib/"), "the layout this test builds");
        Path runsc = RealRunsc.binary().orElseThrow();
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "cr");
        try {
            Path rootfs = Files.createDirectories(dir.resolve("bundle/rootfs"));
            Command.run("tar", "-xzf", tarball.toString(), "-C", rootfs.toString()).ok();
            Path unpacked;
            try (Stream<Path> s = Files.list(rootfs)) {
                unpacked = s.findFirst().orElseThrow();
            }
            Files.createDirectories(rootfs.resolve("usr/lib"));
            Files.move(unpacked, rootfs.resolve("usr/lib/runsc-metrics"));
            Files.createDirectories(rootfs.resolve("usr/bin"));
            Files.createSymbolicLink(rootfs.resolve("usr/bin/runsc-metrics"), Path.of("../lib/runsc-metrics/bin/runsc-metrics"));
            for (String d : List.of("tmp", "proc", "dev", "etc", "bin")) {
                Files.createDirectories(rootfs.resolve(d));
            }
            // The launcher is a shell script that resolves its symlink with readlink (coreutils).
            for (String tool : BASE_TOOLS) {
                Command.run("cp", "-L", "--parents", tool, rootfs.toString()).ok();
            }
            for (String library : libraries(rootfs.resolve("usr/lib/runsc-metrics"))) {
                Command.run("cp", "-L", "--parents", library, rootfs.toString()).ok();
            }
            Path bundle = dir.resolve("bundle");
            Files.writeString(bundle.resolve("config.json"), config());
            Path root = Files.createDirectory(dir.resolve("state"));
            Command run = Command.run(List.of(runsc.toString(), "--root=" + root, "--network=none", "run", "--bundle",
                    bundle.toString(), "rootfs-check"), Map.of(), Duration.ofMinutes(3));
            try {
                assertEquals(0, run.exitCode(), run.describe());
                assertTrue(run.out().startsWith("runsc-metrics version " + Smoke.version() + "+"), run.describe());
            } finally {
                Command.run(runsc.toString(), "--root=" + root, "delete", "--force", "rootfs-check");
            }
        } finally {
            ScratchDir.deleteTree(dir);
        }
    }

    /** A minimal OCI config: the image's entry point with --version, the rootfs writable, no terminal. */
    private static String config() {
        return """
                {"ociVersion": "1.0.0",
                 "process": {"terminal": false, "user": {"uid": 0, "gid": 0},
                   "args": ["/usr/bin/runsc-metrics", "--version"],
                   "env": ["PATH=/usr/bin:/bin"], "cwd": "/"},
                 "root": {"path": "rootfs", "readonly": false},
                 "hostname": "runsc-metrics",
                 "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
                            {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}],
                 "linux": {"namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}]}}
                """;
    }

    /** What the base image gives: the shared libraries every ELF file of the image and the base tools load. */
    private static Set<String> libraries(Path image) throws IOException, InterruptedException {
        Set<String> libraries = new TreeSet<>();
        List<Path> elves;
        try (Stream<Path> files = Files.walk(image)) {
            elves = files.filter(Files::isRegularFile).filter(ContainerRootfsTest::isElf).toList();
        }
        for (Path elf : Stream.concat(elves.stream(), BASE_TOOLS.stream().map(Path::of)).toList()) {
            Command ldd = Command.run("ldd", elf.toString());
            Matcher m = LIBRARY.matcher(ldd.out());
            while (m.find()) {
                if (!m.group(1).startsWith(image.toString())) {
                    libraries.add(m.group(1));
                }
            }
        }
        assertTrue(libraries.stream().anyMatch(l -> l.contains("libc.so")), "ldd found no C library: " + libraries);
        return libraries;
    }

    private static boolean isElf(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(4), new byte[] {0x7f, 'E', 'L', 'F'});
        } catch (IOException e) {
            return false;
        }
    }
}
