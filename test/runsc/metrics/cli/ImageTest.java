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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runsc.metrics.testing.Proc;
import runsc.metrics.testing.ProcResult;
import runsc.metrics.testing.ProjectFiles;
import runsc.metrics.testing.RuntimeImage;
import runsc.metrics.testing.ScratchDir;
import runsc.metrics.testing.Tools;

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

    /** Runs a tool (not the launcher) to its end in a directory, without JVM options from the environment. */
    static ProcResult exec(List<String> command, Path directory) throws IOException {
        return Proc.run(RuntimeImage.builder(command, directory, Map.of()), Proc.DEADLINE);
    }

    ProcResult run(Path directory, String... args) throws IOException, InterruptedException {
        return run(RuntimeImage.launcher(), directory, Map.of(), args);
    }

    ProcResult run(Path launcher, Path directory, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(Arrays.asList(args));
        return Proc.run(RuntimeImage.builder(command, directory, env), Proc.DEADLINE);
    }

    @Test
    void versionWorksThroughASymlinkInAnotherDirectoryFromRoot() throws Exception {
        Path bin = Files.createDirectories(scratch.resolve("elsewhere/bin"));
        Path link = Files.createSymbolicLink(bin.resolve("runsc-metrics"), RuntimeImage.launcher());
        ProcResult r = run(link, Path.of("/"), Map.of(), "--version");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().startsWith(VERSION_PREFIX), r.stdout());
        assertEquals("", r.stderr(), "no FFM, AOT or CDS lines on stderr");
    }

    @Test
    void helpWorksThroughAChainOfRelativeSymlinks() throws Exception {
        Path a = Files.createDirectories(scratch.resolve("a"));
        Path b = Files.createDirectories(scratch.resolve("b"));
        Files.createSymbolicLink(a.resolve("real-link"), RuntimeImage.launcher());
        Path link = Files.createSymbolicLink(b.resolve("rm"), Path.of("../a/real-link"));
        ProcResult r = run(link, Path.of("/"), Map.of(), "help");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().startsWith("Usage: runsc-metrics <global flags> <subcommand>"), r.stdout());
        assertTrue(r.stdout().contains("\n  export-metrics "), r.stdout());
        assertEquals("", r.stderr());
    }

    @Test
    void usageErrorsExitWith128ThroughTheLauncher() throws Exception {
        ProcResult unknown = run(Path.of("/"), "frobnicate");
        assertEquals(128, unknown.exitCode());
        assertTrue(unknown.stderr().startsWith("unknown subcommand \"frobnicate\"\nUsage: runsc-metrics "), unknown.stderr());
        assertEquals("", unknown.stdout());
        ProcResult none = run(Path.of("/"));
        assertEquals(128, none.exitCode());
        assertTrue(none.stderr().startsWith("no subcommand given\n"), none.stderr());
    }

    @Test
    void exportMetricsOfASimulatedSandboxWritesOnlyTheByteCountToStderr() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "rm");
        try (SimulatedRoot sim = SimulatedRoot.start(dir, scratch)) {
            ProcResult r = run(Path.of("/"), "--root=" + sim.root(), "export-metrics", "sim-1");
            assertEquals(0, r.exitCode(), r.stderr());
            assertTrue(r.stdout().startsWith("# Command-line export for sandbox sim-1\n"), r.stdout());
            int bytes = r.stdout().getBytes(StandardCharsets.UTF_8).length;
            // The only stderr line is runsc's own byte count (moved off stdout, see the spec):
            // no JVM warnings of any kind.
            assertEquals("Wrote " + bytes + " bytes of Prometheus metric data to stdout\n", r.stderr());
            assertEquals(0, sim.stop(), "simulate exit status after SIGTERM");
        } finally {
            ScratchDir.deleteTree(dir);
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
                ProcessBuilder builder = new ProcessBuilder(RuntimeImage.launcher().toString(), "--debug",
                        "--root=" + sim.root(), "export-metrics", "sim-1")
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                builder.environment().remove("RUNSC_METRICS_JAVA_OPTS");
                export = builder.start();
                Tools.await(SimulatedRoot.DEADLINE, "export-metrics working ahead",
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
            String printed = iterationLabel(new ProcResult(List.of(), 0, Files.readAllBytes(out), log));
            String after = iterationLabel(run(Path.of("/"), "--root=" + sim.root(), "export-metrics", "sim-1"));
            assertTrue(!before.equals(after), "the rewrite changes the label: " + before);
            assertEquals(after, printed, "what export-metrics printed came from the locked read");
            // The sandbox was asked twice: once ahead, once again for the state read under the lock.
            assertEquals(2, log.split("exporting metrics of sandbox sim-1", -1).length - 1, log);
        } finally {
            ScratchDir.deleteTree(dir);
        }
    }

    /** The iteration label of an export's first series, which the container's creation time decides. */
    private static String iterationLabel(ProcResult r) {
        assertEquals(0, r.exitCode(), r.stderr());
        Matcher m = Pattern.compile("iteration=\"([^\"]*)\"").matcher(r.stdout());
        assertTrue(m.find(), r.stdout());
        return m.group(1);
    }

    @Test
    void aotCacheShipsInTheImageAndIsUsed() throws Exception {
        Path cache = RuntimeImage.home().resolve("lib/runsc-metrics.aot");
        assertTrue(Files.isRegularFile(cache), cache + " is missing: make image trains it");
        ProcResult r = run(RuntimeImage.launcher(), Path.of("/"), Map.of("RUNSC_METRICS_JAVA_OPTS", "-Xlog:aot"), "--version");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("Using AOT-linked classes: true"), r.stdout());
    }

    @Test
    void exportMetricsUsesItsOwnLeanAotCache() throws Exception {
        Path cache = RuntimeImage.home().resolve("lib/export-metrics.aot");
        assertTrue(Files.isRegularFile(cache), cache + " is missing: make image trains it");
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "rm");
        try (SimulatedRoot sim = SimulatedRoot.start(dir, scratch)) {
            ProcResult r = run(RuntimeImage.launcher(), Path.of("/"), Map.of("RUNSC_METRICS_JAVA_OPTS", "-Xlog:aot"),
                    "--root=" + sim.root(), "export-metrics", "sim-1");
            assertEquals(0, r.exitCode(), r.stderr());
            assertTrue(r.stdout().contains("Opened AOT cache " + cache.toRealPath() + "."), r.stdout());
            assertTrue(r.stdout().contains("Using AOT-linked classes: true"), r.stdout());
            assertEquals(0, sim.stop(), "simulate exit status after SIGTERM");
        } finally {
            ScratchDir.deleteTree(dir);
        }
    }

    @Test
    void unusableAotCachesAreIgnoredSilently() throws Exception {
        Path cache = RuntimeImage.home().resolve("lib/runsc-metrics.aot");
        assumeTrue(Files.isRegularFile(cache), "the image has no AOT cache");
        ProcResult expected = run(Path.of("/"), "--version");
        // A copy of the launcher in a home of its own whose bin/java is the image's: the launcher then
        // finds our lib/runsc-metrics.aot next to it.
        Path home = scratch.resolve("home");
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("lib"));
        Path launcher = Files.copy(RuntimeImage.launcher(), home.resolve("bin/runsc-metrics"));
        Files.createSymbolicLink(home.resolve("bin/java"), RuntimeImage.home().resolve("bin/java"));
        Path otherJdkCache = scratch.resolve("jdk.aot");
        ProcResult jdk = exec(List.of(Path.of(System.getProperty("java.home"), "bin/java").toString(),
                "-XX:AOTCacheOutput=" + otherJdkCache, "-Xlog:aot*=off,cds*=off", "-version"), scratch);
        assertEquals(0, jdk.exitCode(), jdk.stderr());
        byte[] whole = Files.readAllBytes(cache);
        Map<String, byte[]> bad = Map.of(
                "empty", new byte[0],
                "garbage", "not an AOT cache\n".getBytes(StandardCharsets.US_ASCII),
                "truncated", Arrays.copyOf(whole, 100_000),
                "made for another runtime image", Files.readAllBytes(otherJdkCache));
        for (Map.Entry<String, byte[]> e : new TreeMap<>(bad).entrySet()) {
            Files.write(home.resolve("lib/runsc-metrics.aot"), e.getValue());
            ProcResult r = run(launcher, Path.of("/"), Map.of(), "--version");
            assertEquals(expected.outcome(), r.outcome(), e.getKey() + " cache");
        }
    }

    /** {@code --version} through the launcher prints the same with each of these JVM option strings. */
    private void assertVersionUnchangedWith(String... optionStrings) throws Exception {
        ProcResult expected = run(Path.of("/"), "--version");
        for (String opts : optionStrings) {
            ProcResult r = run(RuntimeImage.launcher(), Path.of("/"), Map.of("RUNSC_METRICS_JAVA_OPTS", opts), "--version");
            assertEquals(expected.outcome(), r.outcome(), opts);
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
        ProcResult flags = run(RuntimeImage.launcher(), Path.of("/"),
                Map.of("RUNSC_METRICS_JAVA_OPTS", "-XX:+PrintFlagsFinal"), "--version");
        assertTrue(flags.stdout().lines().anyMatch(l -> l.matches("\\s*bool UseSerialGC\\s+= true.*")), "SerialGC by default");
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

    @Test
    void theMetricServerHeapAndJitFollowTheSandboxesInTheRootAtStart() throws Exception {
        Path root = Files.createDirectories(scratch.resolve("root"));
        assertEquals(48L << 20, maxHeapSize("", "--root=" + root, "metric-server", "-h"), "empty root");
        assertEquals(8L << 20, Long.parseLong(jvmFlag("", "InitialHeapSize", "--root=" + root, "metric-server", "-h")));
        for (int i = 0; i < 3000; i++) {
            Files.createFile(root.resolve("c" + i + "_sandbox:s" + i + ".state"));
        }
        Files.createFile(root.resolve("not-a-state-file"));
        // (8 MiB + 3000 x 36 KiB) x 5/4 = 141.8 MiB, rounded up to 4 MiB steps; both spellings of --root.
        assertEquals(144L << 20, maxHeapSize("", "--root=" + root, "metric-server", "-h"));
        assertEquals(144L << 20, maxHeapSize("", "-root", root.toString(), "--debug", "metric-server", "-h"));
        // A large host keeps C1+C2 and a heap that starts at the JVM's default size.
        assertEquals("4", jvmFlag("", "TieredStopAtLevel", "--root=" + root, "metric-server", "-h"));
        assertTrue(Long.parseLong(jvmFlag("", "InitialHeapSize", "--root=" + root, "metric-server", "-h")) > 8L << 20);
        assertEquals(48L << 20, maxHeapSize("", "--root=" + root, "demo", "-h"), "demo simulates its own sandboxes");
        assertEquals(100L << 20, maxHeapSize("-Xmx100m", "--root=" + root, "metric-server", "-h"), "the user's cap wins");
    }

    @Test
    void theMetricServerYoungGenerationFollowsTheSandboxesInTheRootAtStart() throws Exception {
        Path root = Files.createDirectories(scratch.resolve("young"));
        for (int i = 0; i < 31; i++) {
            Files.createFile(root.resolve("c" + i + "_sandbox:s" + i + ".state"));
        }
        assertEquals(8L << 20, Long.parseLong(jvmFlag("", "InitialHeapSize", "--root=" + root, "metric-server", "-h")));
        assertTrue(Long.parseLong(jvmFlag("", "MaxNewSize", "--root=" + root, "metric-server", "-h")) > 6L << 20,
                "below 32 state files the JVM sizes the young generation");
        for (int i = 31; i < 100; i++) {
            Files.createFile(root.resolve("c" + i + "_sandbox:s" + i + ".state"));
        }
        // 100 x 128 KiB, in whole MiB, and a heap that starts 4 MiB above it.
        assertEquals(12L << 20, Long.parseLong(jvmFlag("", "NewSize", "--root=" + root, "metric-server", "-h")));
        assertEquals(12L << 20, Long.parseLong(jvmFlag("", "MaxNewSize", "--root=" + root, "metric-server", "-h")));
        assertEquals(16L << 20, Long.parseLong(jvmFlag("", "InitialHeapSize", "--root=" + root, "metric-server", "-h")));
        for (int i = 100; i < 200; i++) {
            Files.createFile(root.resolve("c" + i + "_sandbox:s" + i + ".state"));
        }
        assertEquals(16L << 20, Long.parseLong(jvmFlag("", "NewSize", "--root=" + root, "metric-server", "-h")), "at most 16 MiB");
        assertEquals(20L << 20, Long.parseLong(jvmFlag("", "InitialHeapSize", "--root=" + root, "metric-server", "-h")));
        // The user's young generation replaces the launcher's, and its initial heap with it.
        assertEquals(2L << 20, Long.parseLong(jvmFlag("-Xmn2m", "NewSize", "--root=" + root, "metric-server", "-h")));
        assertEquals(3L << 20, Long.parseLong(jvmFlag("-XX:NewSize=3m", "NewSize", "--root=" + root, "metric-server", "-h")));
    }

    @Test
    void theLauncherPicksOptionsByTheSubcommandNotByAnyArgument() throws Exception {
        long quarterOfRam = maxHeapSize("", "--version");
        // "demo" here is a sandbox ID, and "metric-server" the value of a global flag.
        assertEquals(quarterOfRam, maxHeapSize("", "export-metrics", "demo"));
        assertEquals(quarterOfRam, maxHeapSize("", "--root", "metric-server", "export-metrics", "x"));
        assertEquals(48L << 20, maxHeapSize("", "--root", "/tmp", "--debug", "metric-server", "-h"));
        assertEquals(48L << 20, maxHeapSize("", "--root=/tmp", "--", "demo", "-h"));
        assertEquals("1", jvmFlag("", "TieredStopAtLevel", "--root=/tmp", "export-metrics", "demo"));
        assertEquals("1", jvmFlag("", "TieredStopAtLevel", "demo", "-h"));
        assertEquals("4", jvmFlag("", "TieredStopAtLevel", "--root=/tmp", "help", "metric-server"));
    }

    @Test
    void theMetricServerRunsC1AloneOnOneCompilerThreadUnlessTheUserSaysOtherwise() throws Exception {
        assertEquals("1", jvmFlag("", "TieredStopAtLevel", "metric-server", "-h"));
        assertEquals("1", jvmFlag("", "CICompilerCount", "metric-server", "-h"));
        // C1 and C2 together need two compiler threads or more, so a user who wants C2 back says both.
        assertEquals("4", jvmFlag("-XX:TieredStopAtLevel=4 -XX:CICompilerCount=2", "TieredStopAtLevel", "metric-server", "-h"));
    }

    /** MaxHeapSize as the JVM that the launcher starts for these arguments reports it. */
    private long maxHeapSize(String userOptions, String... args) throws Exception {
        return Long.parseLong(jvmFlag(userOptions, "MaxHeapSize", args));
    }

    /** The value of one JVM flag as the JVM that the launcher starts for these arguments reports it. */
    private String jvmFlag(String userOptions, String name, String... args) throws Exception {
        ProcResult flags = run(RuntimeImage.launcher(), Path.of("/"),
                Map.of("RUNSC_METRICS_JAVA_OPTS", (userOptions + " -XX:+PrintFlagsFinal").strip()), args);
        Pattern line = Pattern.compile("\\s*\\w+ " + name + "\\s+= (\\S+) .*");
        return flags.stdout().lines().map(line::matcher).filter(Matcher::matches).findFirst()
                .map(m -> m.group(1))
                .orElseThrow(() -> new AssertionError("no " + name + " in " + flags.stdout()));
    }

    @Test
    void manPageIsInTheImage() throws IOException {
        Path page = RuntimeImage.home().resolve("man/man1/runsc-metrics.1");
        assertArrayEquals(Files.readAllBytes(ManPageTest.MAN), Files.readAllBytes(page));
    }

    @Test
    void imageHoldsOnlyTheProductModules() throws Exception {
        ProcResult r = exec(List.of(RuntimeImage.home().resolve("bin/java").toString(), "--list-modules"), Path.of("/"));
        assertEquals(0, r.exitCode(), r.stderr());
        List<String> modules = r.stdout().lines().map(l -> l.replaceFirst("@.*", "")).toList();
        assertEquals(List.of("java.base", "jdk.httpserver", "jdk.net", "jdk.unsupported", "runsc.metrics"), modules);
    }

    @Test
    void imageHoldsNoTestOrBenchmarkClasses() throws Exception {
        Path jimage = Path.of(System.getProperty("java.home"), "bin/jimage");
        assumeTrue(Files.isExecutable(jimage), "the JDK running the tests has no jimage tool");
        ProcResult r = exec(List.of(jimage.toString(), "list", RuntimeImage.home().resolve("lib/modules").toString()),
                Path.of("/"));
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("runsc/metrics/cli/Main.class"), "listing has the product classes");
        List<String> foreign = r.stdout().lines()
                .filter(l -> l.matches("(?i).*(junit|jupiter|jqwik|jmh|opentest4j|apiguardian|/testing/).*")).toList();
        assertEquals(List.of(), foreign);
    }

    @Test
    void jdepsFindsNoModuleOutsideTheDeclaredRequires() throws Exception {
        Path jar = RuntimeImage.home().resolveSibling("jar/runsc-metrics.jar");
        assumeTrue(Files.isRegularFile(jar), "no modular jar at " + jar);
        Path jdeps = Path.of(System.getProperty("java.home"), "bin/jdeps");
        assumeTrue(Files.isExecutable(jdeps), "the JDK running the tests has no jdeps tool");
        ProcResult r = exec(List.of(jdeps.toString(), "--print-module-deps", jar.toString()), Path.of("/"));
        assertEquals(0, r.exitCode(), r.stderr());
        Set<String> used = new TreeSet<>(Arrays.asList(r.stdout().strip().split(",")));
        ModuleDescriptor descriptor = ModuleFinder.of(jar).findAll().iterator().next().descriptor();
        Set<String> declared = descriptor.requires().stream().map(ModuleDescriptor.Requires::name)
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(used.contains("java.base"), r.stdout());
        // jdk.unsupported is reached reflectively (sun.misc.Signal), which jdeps cannot see; the check is
        // that the jar needs nothing the module does not declare.
        used.removeAll(declared);
        assertEquals(Set.of(), used, "modules the jar uses without a requires in module-info");
    }

    @Test
    void makeInstallLaysOutPrefixWithAWorkingSymlinkAndManPage() throws Exception {
        Path home = RuntimeImage.home();
        Path build = home.getParent();
        assumeTrue(home.getFileName().toString().equals("image") && Files.exists(home.resolve(".stamp"))
                && Files.isRegularFile(ProjectFiles.resolve("Makefile")), "the image was not built by this checkout's make");
        // Only when the image is up to date, so that the test never rebuilds it under other tests.
        ProcResult upToDate = exec(List.of("make", "-s", "-q", "BUILD=" + build, "image"), ProjectFiles.root());
        assumeTrue(upToDate.exitCode() == 0, "the image is out of date (make -q image: " + upToDate.exitCode() + ")");
        Path dest = scratch.resolve("dest");
        ProcResult install = exec(List.of("make", "-s", "BUILD=" + build, "DESTDIR=" + dest, "PREFIX=/usr", "install"),
                ProjectFiles.root());
        assertEquals(0, install.exitCode(), install.stdout() + install.stderr());
        assertTrue(Files.isExecutable(dest.resolve("usr/lib/runsc-metrics/bin/runsc-metrics")));
        assertTrue(Files.isRegularFile(dest.resolve("usr/lib/runsc-metrics/lib/runsc-metrics.aot")));
        assertTrue(Files.notExists(dest.resolve("usr/lib/runsc-metrics/.stamp")));
        Path link = dest.resolve("usr/bin/runsc-metrics");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(Path.of("../lib/runsc-metrics/bin/runsc-metrics"), Files.readSymbolicLink(link));
        assertArrayEquals(Files.readAllBytes(ManPageTest.MAN), Files.readAllBytes(dest.resolve("usr/share/man/man1/runsc-metrics.1")));
        ProcResult r = run(link, Path.of("/"), Map.of("RUNSC_METRICS_JAVA_OPTS", "-Xlog:aot"), "--version");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains(VERSION_PREFIX), r.stdout());
        assertTrue(r.stdout().contains("Using AOT-linked classes: true"), "the installed copy still uses its AOT cache");
        assertEquals("", r.stderr());
    }
}
