// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime image as users run it: launcher, symlinks, exit codes, clean stderr, contents, install. */
class ImageTest {
    static final String VERSION_PREFIX = "runsc-metrics version ";

    @TempDir
    Path scratch;

    /** JUnit warns about symbolic links out of its temporary directory; ours are removed first. */
    @AfterEach
    void removeSymbolicLinks() throws IOException {
        try (Stream<Path> paths = Files.walk(scratch)) {
            for (Path p : paths.filter(Files::isSymbolicLink).toList()) {
                Files.delete(p);
            }
        }
    }

    Image.Result run(Path directory, String... args) throws IOException, InterruptedException {
        return run(Image.launcher(), directory, Map.of(), args);
    }

    Image.Result run(Path launcher, Path directory, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(Arrays.asList(args));
        return Image.run(command, directory, env, scratch);
    }

    @Test
    void versionWorksThroughASymlinkInAnotherDirectoryFromRoot() throws Exception {
        Path bin = Files.createDirectories(scratch.resolve("elsewhere/bin"));
        Path link = Files.createSymbolicLink(bin.resolve("runsc-metrics"), Image.launcher());
        Image.Result r = run(link, Path.of("/"), Map.of(), "--version");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith(VERSION_PREFIX), r.out());
        assertEquals("", r.err(), "no FFM, AOT or CDS lines on stderr");
    }

    @Test
    void helpWorksThroughAChainOfRelativeSymlinks() throws Exception {
        Path a = Files.createDirectories(scratch.resolve("a"));
        Path b = Files.createDirectories(scratch.resolve("b"));
        Files.createSymbolicLink(a.resolve("real-link"), Image.launcher());
        Path link = Files.createSymbolicLink(b.resolve("rm"), Path.of("../a/real-link"));
        Image.Result r = run(link, Path.of("/"), Map.of(), "help");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("Usage: runsc-metrics <global flags> <subcommand>"), r.out());
        assertTrue(r.out().contains("\n  export-metrics "), r.out());
        assertEquals("", r.err());
    }

    @Test
    void usageErrorsExitWith128ThroughTheLauncher() throws Exception {
        Image.Result unknown = run(Path.of("/"), "frobnicate");
        assertEquals(128, unknown.status());
        assertTrue(unknown.err().startsWith("unknown subcommand \"frobnicate\"\nUsage: runsc-metrics "), unknown.err());
        assertEquals("", unknown.out());
        Image.Result none = run(Path.of("/"));
        assertEquals(128, none.status());
        assertTrue(none.err().startsWith("no subcommand given\n"), none.err());
    }

    @Test
    void exportMetricsOfASimulatedSandboxWritesOnlyTheByteCountToStderr() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "rm");
        try (SimulatedRoot sim = SimulatedRoot.start(dir, scratch)) {
            Image.Result r = run(Path.of("/"), "--root=" + sim.root(), "export-metrics", "sim-1");
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().startsWith("# Command-line export for sandbox sim-1\n"), r.out());
            int bytes = r.out().getBytes(StandardCharsets.UTF_8).length;
            // The only stderr line is runsc's own byte count (moved off stdout, see the spec):
            // no JVM warnings of any kind.
            assertEquals("Wrote " + bytes + " bytes of Prometheus metric data to stdout\n", r.err());
            assertEquals(0, sim.stop(), "simulate exit status after SIGTERM");
        } finally {
            SimulatedRoot.deleteTree(dir);
        }
    }

    @Test
    void exportMetricsPrintsTheStateReadUnderTheLockNotTheOneItWorkedAheadFrom() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/flock")), "flock(1) from util-linux is not installed");
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "rm");
        try (SimulatedRoot sim = SimulatedRoot.start(dir, scratch)) {
            Path state = sim.root().resolve("sim-1_sandbox:sim-1.state");
            Path lock = sim.root().resolve("sim-1_sandbox:sim-1.lock");
            String before = iterationLabel(run(Path.of("/"), "--root=" + sim.root(), "export-metrics", "sim-1"));
            // Hold the lock as runsc would while it rewrites the state file, so that export-metrics
            // works ahead from the old state and then waits for the lock.
            Process holder = new ProcessBuilder("flock", "-x", lock.toString(), "sh", "-c", "echo held; read _")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Path out = scratch.resolve("export.out");
            Path err = scratch.resolve("export.err");
            Process export;
            try {
                assertEquals("held", new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream(),
                        StandardCharsets.UTF_8)).readLine());
                ProcessBuilder builder = new ProcessBuilder(Image.launcher().toString(), "--debug",
                        "--root=" + sim.root(), "export-metrics", "sim-1")
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                builder.environment().remove("RUNSC_METRICS_JAVA_OPTS");
                export = builder.start();
                Image.await(SimulatedRoot.DEADLINE, "export-metrics working ahead",
                        () -> Files.readString(err, StandardCharsets.UTF_8).contains("exporting metrics of sandbox sim-1"));
                // The rewrite: a new creation time, hence a new iteration label.
                String json = Files.readString(state, StandardCharsets.UTF_8);
                String rewritten = json.replaceAll("\"createdAt\":\"[^\"]*\"", "\"createdAt\":\"2030-01-02T03:04:05.000000006Z\"");
                assertTrue(!rewritten.equals(json), "the simulator's state file has a createdAt");
                Files.writeString(state, rewritten, StandardCharsets.UTF_8);
            } finally {
                holder.getOutputStream().close(); // ends `read`, which releases the lock
            }
            assertTrue(export.waitFor(SimulatedRoot.DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
            String log = Files.readString(err, StandardCharsets.UTF_8);
            assertEquals(0, export.exitValue(), log);
            String printed = iterationLabel(new Image.Result(0, Files.readString(out, StandardCharsets.UTF_8), log));
            String after = iterationLabel(run(Path.of("/"), "--root=" + sim.root(), "export-metrics", "sim-1"));
            assertTrue(!before.equals(after), "the rewrite changes the label: " + before);
            assertEquals(after, printed, "what export-metrics printed came from the locked read");
            // The sandbox was asked twice: once ahead, once again for the state read under the lock.
            assertEquals(2, log.split("exporting metrics of sandbox sim-1", -1).length - 1, log);
        } finally {
            SimulatedRoot.deleteTree(dir);
        }
    }

    /** The iteration label of an export's first series, which the container's creation time decides. */
    private static String iterationLabel(Image.Result r) {
        assertEquals(0, r.status(), r.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("iteration=\"([^\"]*)\"").matcher(r.out());
        assertTrue(m.find(), r.out());
        return m.group(1);
    }

    @Test
    void aotCacheShipsInTheImageAndIsUsed() throws Exception {
        Path cache = Image.home().resolve("lib/runsc-metrics.aot");
        assertTrue(Files.isRegularFile(cache), cache + " is missing: make image trains it");
        Image.Result r = run(Image.launcher(), Path.of("/"), Map.of("RUNSC_METRICS_JAVA_OPTS", "-Xlog:aot"), "--version");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("Using AOT-linked classes: true"), r.out());
    }

    @Test
    void exportMetricsUsesItsOwnLeanAotCache() throws Exception {
        Path cache = Image.home().resolve("lib/export-metrics.aot");
        assertTrue(Files.isRegularFile(cache), cache + " is missing: make image trains it");
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "rm");
        try (SimulatedRoot sim = SimulatedRoot.start(dir, scratch)) {
            Image.Result r = run(Image.launcher(), Path.of("/"), Map.of("RUNSC_METRICS_JAVA_OPTS", "-Xlog:aot"),
                    "--root=" + sim.root(), "export-metrics", "sim-1");
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().contains("Opened AOT cache " + cache.toRealPath() + "."), r.out());
            assertTrue(r.out().contains("Using AOT-linked classes: true"), r.out());
            assertEquals(0, sim.stop(), "simulate exit status after SIGTERM");
        } finally {
            SimulatedRoot.deleteTree(dir);
        }
    }

    @Test
    void unusableAotCachesAreIgnoredSilently() throws Exception {
        Path cache = Image.home().resolve("lib/runsc-metrics.aot");
        assumeTrue(Files.isRegularFile(cache), "the image has no AOT cache");
        Image.Result expected = run(Path.of("/"), "--version");
        // A copy of the launcher in a home of its own whose bin/java is the image's: the launcher then
        // finds our lib/runsc-metrics.aot next to it.
        Path home = scratch.resolve("home");
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("lib"));
        Path launcher = Files.copy(Image.launcher(), home.resolve("bin/runsc-metrics"));
        Files.createSymbolicLink(home.resolve("bin/java"), Image.home().resolve("bin/java"));
        Path otherJdkCache = scratch.resolve("jdk.aot");
        Image.Result jdk = Image.run(List.of(Path.of(System.getProperty("java.home"), "bin/java").toString(),
                "-XX:AOTCacheOutput=" + otherJdkCache, "-Xlog:aot*=off,cds*=off", "-version"), scratch, scratch);
        assertEquals(0, jdk.status(), jdk.err());
        byte[] whole = Files.readAllBytes(cache);
        Map<String, byte[]> bad = Map.of(
                "empty", new byte[0],
                "garbage", "not an AOT cache\n".getBytes(StandardCharsets.US_ASCII),
                "truncated", Arrays.copyOf(whole, 100_000),
                "made for another runtime image", Files.readAllBytes(otherJdkCache));
        for (Map.Entry<String, byte[]> e : new TreeMap<>(bad).entrySet()) {
            Files.write(home.resolve("lib/runsc-metrics.aot"), e.getValue());
            Image.Result r = run(launcher, Path.of("/"), Map.of(), "--version");
            assertEquals(expected, r, e.getKey() + " cache");
        }
    }

    /** {@code --version} through the launcher prints the same with each of these JVM option strings. */
    private void assertVersionUnchangedWith(String... optionStrings) throws Exception {
        Image.Result expected = run(Path.of("/"), "--version");
        for (String opts : optionStrings) {
            Image.Result r = run(Image.launcher(), Path.of("/"), Map.of("RUNSC_METRICS_JAVA_OPTS", opts), "--version");
            assertEquals(expected, r, opts);
        }
    }

    @Test
    void sharingOptionsOfTheUserTakeThePlaceOfTheCache() throws Exception {
        // -Xshare:off next to -XX:AOTCache would stop the JVM, so the launcher leaves the cache out.
        assertVersionUnchangedWith("-Xshare:off", "-XX:AOTMode=off", "-Xmx64m -Xshare:auto");
    }

    @Test
    void aCollectorOfTheUserTakesThePlaceOfTheLaunchersSerialGc() throws Exception {
        // Two collectors would stop the JVM ("Multiple garbage collectors selected").
        assertVersionUnchangedWith("-XX:+UseG1GC", "-XX:+UseParallelGC", "-Xmx64m -XX:+UseSerialGC");
        Image.Result flags = run(Image.launcher(), Path.of("/"),
                Map.of("RUNSC_METRICS_JAVA_OPTS", "-XX:+PrintFlagsFinal"), "--version");
        assertTrue(flags.out().lines().anyMatch(l -> l.matches("\\s*bool UseSerialGC\\s+= true.*")), "SerialGC by default");
    }

    @Test
    void theMetricServerGetsA48MiBHeapUnlessTheUserSizesTheHeap() throws Exception {
        assertEquals(48L << 20, maxHeapSize("", "metric-server", "-h"));
        assertEquals(48L << 20, maxHeapSize("", "demo", "-h"));
        assertEquals(200L << 20, maxHeapSize("-Xmx200m", "metric-server", "-h"));
        long quarterOfRam = maxHeapSize("", "--version");
        assertTrue(quarterOfRam > 48L << 20, "other commands keep the JVM's default: " + quarterOfRam);
        // A percentage loses to any -Xmx, so the launcher's cap must go when the user gives one.
        assertTrue(maxHeapSize("-XX:MaxRAMPercentage=50", "metric-server", "-h") > quarterOfRam);
    }

    /** MaxHeapSize as the JVM that the launcher starts for these arguments reports it. */
    private long maxHeapSize(String userOptions, String... args) throws Exception {
        Image.Result flags = run(Image.launcher(), Path.of("/"),
                Map.of("RUNSC_METRICS_JAVA_OPTS", (userOptions + " -XX:+PrintFlagsFinal").strip()), args);
        return flags.out().lines().filter(l -> l.matches("\\s*size_t MaxHeapSize\\s+=.*")).findFirst()
                .map(l -> Long.parseLong(l.replaceAll("\\s*size_t MaxHeapSize\\s+=\\s+(\\d+).*", "$1")))
                .orElseThrow(() -> new AssertionError("no MaxHeapSize in " + flags.out()));
    }

    @Test
    void manPageIsInTheImage() throws IOException {
        Path page = Image.home().resolve("man/man1/runsc-metrics.1");
        assertArrayEquals(Files.readAllBytes(ManPageTest.MAN), Files.readAllBytes(page));
    }

    @Test
    void imageHoldsOnlyTheProductModules() throws Exception {
        Image.Result r = Image.run(List.of(Image.home().resolve("bin/java").toString(), "--list-modules"),
                Path.of("/"), scratch);
        assertEquals(0, r.status(), r.err());
        List<String> modules = r.out().lines().map(l -> l.replaceFirst("@.*", "")).toList();
        assertEquals(List.of("java.base", "jdk.httpserver", "jdk.net", "jdk.unsupported", "runsc.metrics"), modules);
    }

    @Test
    void imageHoldsNoTestOrBenchmarkClasses() throws Exception {
        Path jimage = Path.of(System.getProperty("java.home"), "bin/jimage");
        assumeTrue(Files.isExecutable(jimage), "the JDK running the tests has no jimage tool");
        Image.Result r = Image.run(List.of(jimage.toString(), "list", Image.home().resolve("lib/modules").toString()),
                Path.of("/"), scratch);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("runsc/metrics/cli/Main.class"), "listing has the product classes");
        List<String> foreign = r.out().lines()
                .filter(l -> l.matches("(?i).*(junit|jupiter|jqwik|jmh|opentest4j|apiguardian|/testing/).*")).toList();
        assertEquals(List.of(), foreign);
    }

    @Test
    void jdepsFindsNoModuleOutsideTheDeclaredRequires() throws Exception {
        Path jar = Image.home().resolveSibling("jar/runsc-metrics.jar");
        assumeTrue(Files.isRegularFile(jar), "no modular jar at " + jar);
        Path jdeps = Path.of(System.getProperty("java.home"), "bin/jdeps");
        assumeTrue(Files.isExecutable(jdeps), "the JDK running the tests has no jdeps tool");
        Image.Result r = Image.run(List.of(jdeps.toString(), "--print-module-deps", jar.toString()), Path.of("/"), scratch);
        assertEquals(0, r.status(), r.err());
        Set<String> used = new TreeSet<>(Arrays.asList(r.out().strip().split(",")));
        ModuleDescriptor descriptor = ModuleFinder.of(jar).findAll().iterator().next().descriptor();
        Set<String> declared = descriptor.requires().stream().map(ModuleDescriptor.Requires::name)
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(used.contains("java.base"), r.out());
        // jdk.unsupported is reached reflectively (sun.misc.Signal), which jdeps cannot see; the check is
        // that the jar needs nothing the module does not declare.
        used.removeAll(declared);
        assertEquals(Set.of(), used, "modules the jar uses without a requires in module-info");
    }

    @Test
    void makeInstallLaysOutPrefixWithAWorkingSymlinkAndManPage() throws Exception {
        Path home = Image.home();
        Path build = home.getParent();
        assumeTrue(home.getFileName().toString().equals("image") && Files.exists(home.resolve(".stamp"))
                && Files.isRegularFile(Path.of("Makefile")), "the image was not built by this checkout's make");
        // Only when the image is up to date, so that the test never rebuilds it under other tests.
        Image.Result upToDate = Image.run(List.of("make", "-s", "-q", "BUILD=" + build, "image"), Path.of("").toAbsolutePath(), scratch);
        assumeTrue(upToDate.status() == 0, "the image is out of date (make -q image: " + upToDate.status() + ")");
        Path dest = scratch.resolve("dest");
        Image.Result install = Image.run(List.of("make", "-s", "BUILD=" + build, "DESTDIR=" + dest, "PREFIX=/usr", "install"),
                Path.of("").toAbsolutePath(), scratch);
        assertEquals(0, install.status(), install.out() + install.err());
        assertTrue(Files.isExecutable(dest.resolve("usr/lib/runsc-metrics/bin/runsc-metrics")));
        assertTrue(Files.isRegularFile(dest.resolve("usr/lib/runsc-metrics/lib/runsc-metrics.aot")));
        assertTrue(Files.notExists(dest.resolve("usr/lib/runsc-metrics/.stamp")));
        Path link = dest.resolve("usr/bin/runsc-metrics");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(Path.of("../lib/runsc-metrics/bin/runsc-metrics"), Files.readSymbolicLink(link));
        assertArrayEquals(Files.readAllBytes(ManPageTest.MAN), Files.readAllBytes(dest.resolve("usr/share/man/man1/runsc-metrics.1")));
        Image.Result r = run(link, Path.of("/"), Map.of("RUNSC_METRICS_JAVA_OPTS", "-Xlog:aot"), "--version");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains(VERSION_PREFIX), r.out());
        assertTrue(r.out().contains("Using AOT-linked classes: true"), "the installed copy still uses its AOT cache");
        assertEquals("", r.err());
    }
}
