// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import runsc.metrics.testing.Cleanup;
import runsc.metrics.testing.Daemon;
import runsc.metrics.testing.LockHolder;
import runsc.metrics.testing.ProcResult;
import runsc.metrics.testing.RealRoot;
import runsc.metrics.testing.RealRunsc;
import runsc.metrics.testing.RealSandbox;
import runsc.metrics.testing.RuntimeImage;
import runsc.metrics.testing.SandboxSpec;
import runsc.metrics.testing.ScratchDir;

/**
 * {@code runsc-metrics export-metrics} side by side with real {@code runsc export-metrics} on the same
 * real gVisor sandboxes: {@code sb1} (a pod: pod and namespace labels) and {@code sb2} (plain).
 */
class RealExportMetricsTest {
    private static final Pattern WROTE = Pattern.compile("Wrote (\\d+) bytes of Prometheus metric data to stdout\n");

    private static RealRoot root;
    private static ScratchDir logs;

    @BeforeAll
    static void startSandboxes() throws IOException {
        RealRunsc.assumeAvailable();
        logs = ScratchDir.create("rl");
        root = RealRoot.create();
        root.start(SandboxSpec.pod("sb1", "web-0", "prod"));
        root.start(SandboxSpec.plain("sb2"));
    }

    @AfterAll
    static void removeSandboxes() throws Exception {
        Cleanup.closeAll(root, logs);
    }

    /** {@code --root=ROOT export-metrics ARGS...}, the same for both binaries. */
    private static List<String> exportMetrics(List<String> args) {
        List<String> all = new ArrayList<>();
        all.add("--root=" + root.path());
        all.add("export-metrics");
        all.addAll(args);
        return all;
    }

    private static ProcResult real(List<String> args) throws IOException {
        return RealRunsc.run(exportMetrics(args));
    }

    private static ProcResult ours(List<String> args) throws IOException, InterruptedException {
        return RuntimeImage.run(exportMetrics(args).toArray(String[]::new));
    }

    /** What real runsc and this project did with the same arguments. */
    private record Runs(ProcResult real, ProcResult ours) {
        /** Asserts that both exited with {@code status}. */
        Runs assertBothExit(int status) {
            assertEquals(status, real.exitCode(), real::describe);
            assertEquals(status, ours.exitCode(), ours::describe);
            return this;
        }
    }

    private static Runs both(List<String> args) throws IOException, InterruptedException {
        return new Runs(real(args), ours(args));
    }

    static Stream<Arguments> exports() {
        return Stream.of(
                Arguments.of(List.of("sb1")),
                Arguments.of(List.of("sb2")),
                Arguments.of(List.of("--exporter-prefix=foo_", "--sandbox-metrics-filter=fs_", "sb1")),
                Arguments.of(List.of("--exporter-prefix=", "sb2")),
                Arguments.of(List.of("--sandbox-metrics-filter=^fs_opens$", "sb2")));
    }

    @ParameterizedTest
    @MethodSource("exports")
    void exportEqualsRealRunscExceptValuesAndTimes(List<String> args) throws IOException, InterruptedException {
        Runs runs = both(args).assertBothExit(0);
        ProcResult real = runs.real();
        ProcResult ours = runs.ours();

        // runsc: exposition, then the Wrote line, all on stdout.
        int cut = real.stdout().lastIndexOf("Wrote ");
        assertTrue(cut > 0, real.stdout());
        String realExposition = real.stdout().substring(0, cut);
        Matcher realWrote = WROTE.matcher(real.stdout().substring(cut));
        assertTrue(realWrote.matches(), real.stdout());
        assertEquals(realExposition.getBytes(StandardCharsets.UTF_8).length, Long.parseLong(realWrote.group(1)));

        // Ours: the same exposition on stdout, the Wrote line (counting stdout's bytes) on stderr.
        assertTrue(ours.stdout().lines().noneMatch(l -> l.startsWith("Wrote")), ours.stdout());
        Matcher ourWrote = WROTE.matcher(ours.stderr());
        assertTrue(ourWrote.matches(), () -> "stderr: " + ours.stderr());
        assertEquals(ours.output().length, Long.parseLong(ourWrote.group(1)));

        assertEquals(String.join("\n", Exposition.normalise(realExposition)),
                String.join("\n", Exposition.normalise(ours.stdout())));
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(List.of("sb"), "loading container: id \"sb\" is ambiguous and could refer to multiple "
                        + "containers: \"sb1/sb1\", {\"sb2\" \"sb2\"}\n"),
                Arguments.of(List.of("--sandbox-metrics-filter=(", "sb1"),
                        "ExportMetrics failed: cannot compile regexp \"(\": error parsing regexp: missing closing ): `(`\n"));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void failsWithRunscsMessage(List<String> args, String message) throws IOException, InterruptedException {
        Runs runs = both(args).assertBothExit(128);
        assertEquals(message, runs.real().stderr(), "real runsc says something else");
        assertEquals(runs.real().stderr(), runs.ours().stderr());
        assertEquals("", runs.real().stdout());
        assertEquals("", runs.ours().stdout());
    }

    @Test
    void unknownIdKeepsRunscsWordsAndNamesTheIdAndTheRoot() throws IOException, InterruptedException {
        ProcResult real = real(List.of("zzz"));
        ProcResult ours = ours(List.of("zzz"));
        assertEquals(128, real.exitCode(), real::describe);
        assertEquals("loading container: file does not exist\n", real.stderr(), "real runsc says something else");
        assertEquals(128, ours.exitCode(), ours::describe);
        // Deliberate difference: runsc says the same for a missing root; ours says which it is.
        assertEquals("loading container: file does not exist: no such container \"zzz\" in root \""
                + root.path() + "\"\n", ours.stderr());
        assertEquals("", ours.stdout());
    }

    @Test
    void argumentsAfterTheIdAreAUsageErrorWhereRunscIgnoresThem() throws IOException, InterruptedException {
        ProcResult real = real(List.of("sb1", "sb2"));
        ProcResult ours = ours(List.of("sb1", "sb2"));
        assertEquals(0, real.exitCode(), real::describe);
        assertEquals(128, ours.exitCode(), ours::describe);
        assertEquals("", ours.stdout());
        assertTrue(ours.stderr().startsWith("export-metrics takes one container ID, got 2 arguments: sb1 sb2\n"
                + "export-metrics [-exporter-prefix=<runsc_>] <container id> - "), ours.stderr());
    }

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                Arguments.of(List.of(), "", "export-metrics: missing the container ID\n"),
                Arguments.of(List.of("--bogus", "sb1"), "flag provided but not defined: -bogus\n", ""));
    }

    /** The help of --resource-stats, as the CLI prints it. */
    private static final String RESOURCE_STATS_HELP = "Also write each container's CPU, memory, pids and the sandbox's"
            + " network counters, read with containerManager.Event as runsc events --stats does (not upstream's output).";

    @ParameterizedTest
    @MethodSource("usageErrors")
    void usageErrorPrintsRunscsUsagePlusOurFlag(List<String> args, String firstLine, String ourFirstLine)
            throws IOException, InterruptedException {
        Runs runs = both(args).assertBothExit(128);
        ProcResult real = runs.real();
        ProcResult ours = runs.ours();
        assertEquals("", ours.stdout());
        assertTrue(real.stderr().startsWith(firstLine + "export-metrics [-exporter-prefix=<runsc_>] <container id> - "),
                real.stderr());
        // Ours documents two more flags, --no-timestamps and --resource-stats; everything else is runsc's text.
        String ourFlag = "  -no-timestamps\n    \tLeave out sample timestamps, as node_exporter's textfile collector requires.\n";
        String statsFlag = "  -resource-stats\n    \t" + RESOURCE_STATS_HELP + "\n";
        assertTrue(ours.stderr().contains(ourFlag), ours.stderr());
        assertTrue(ours.stderr().contains(statsFlag), ours.stderr());
        // A missing ID says so above the usage, where runsc prints the usage alone.
        assertEquals(ourFirstLine + real.stderr(), ours.stderr().replace(ourFlag, "").replace(statsFlag, ""));
    }

    @Test
    void deadSandboxFailsWithRunscsMessage() throws IOException, InterruptedException {
        RealSandbox gone = root.start(SandboxSpec.plain("gone"));
        try {
            long pid = gone.pid();
            gone.killSandboxProcess();
            Runs runs = both(List.of("gone")).assertBothExit(128);
            String message = "ExportMetrics failed: connecting to control server at PID " + pid + ": connection refused\n";
            assertEquals(message, runs.real().stderr(), "real runsc says something else");
            assertEquals(message, runs.ours().stderr());
            assertEquals("", runs.ours().stdout());
        } finally {
            gone.close();
        }
    }

    @Test
    void promtoolParsesOurExportButNotRunscsStdout() throws IOException, InterruptedException {
        Promtool.assumeInstalled();
        ProcResult ours = ours(List.of("sb1"));
        assertEquals(0, ours.exitCode(), ours::describe);
        Promtool.assertParses(ours.output(), "export-metrics sb1 of a real sandbox");
        ProcResult real = real(List.of("sb1"));
        assertTrue(Promtool.parseError(real.stdout().getBytes(StandardCharsets.UTF_8)).orElse("").contains("\"bytes\""),
                "promtool should reject the Wrote line on runsc's stdout");
    }

    @Test
    void noTimestampsLeavesTwoFieldsPerSample() throws IOException, InterruptedException {
        ProcResult ours = ours(List.of("--no-timestamps", "sb1"));
        assertEquals(0, ours.exitCode(), ours::describe);
        SimulatedClientsTest.assertNoTimestamps(ours.stdout());
        ProcResult withTimestamps = ours(List.of("sb1"));
        assertEquals(Exposition.samples(withTimestamps.stdout()).stream().map(Exposition.Sample::series).toList(),
                Exposition.samples(ours.stdout()).stream().map(Exposition.Sample::series).toList());
    }

    @Test
    void promtoolParsesNoTimestampsExport() throws IOException, InterruptedException {
        Promtool.assumeInstalled();
        ProcResult ours = ours(List.of("--no-timestamps", "sb2"));
        assertEquals(0, ours.exitCode(), ours::describe);
        Promtool.assertParses(ours.output(), "export-metrics --no-timestamps sb2 of a real sandbox");
    }

    @Test
    void exportWaitsForTheStateFileLockLikeRunsc() throws IOException, InterruptedException {
        RealSandbox sb1 = root.sandboxes().stream().filter(s -> s.id().equals("sb1")).findFirst().orElseThrow();
        Daemon ours = null;
        Daemon real = null;
        try {
            try (LockHolder _ = LockHolder.hold(sb1.lockFile())) {
                ours = Daemon.start("ours-locked", RuntimeImage.command("--root=" + root.path(), "export-metrics", "sb1"),
                        logs.path());
                real = Daemon.start("real-locked", List.of(RealRunsc.binary().orElseThrow().toString(),
                        "--root=" + root.path(), "export-metrics", "sb1"), logs.path());
                Thread.sleep(2_000);  // long enough for a JVM to start and reach the lock
                assertTrue(ours.isAlive(), ours::describe);
                assertTrue(real.isAlive(), real::describe);
                assertEquals("", ours.stdout());
            }
            Daemon o = ours;
            o.awaitReady("export to finish after the lock is released", Duration.ofSeconds(20), () -> !o.isAlive());
            assertEquals(0, ours.terminate(), ours::describe);
            assertEquals(0, real.terminate(), real::describe);
            String realOut = real.stdout();
            assertEquals(String.join("\n", Exposition.normalise(realOut.substring(0, realOut.lastIndexOf("Wrote ")))),
                    String.join("\n", Exposition.normalise(ours.stdout())));
        } finally {
            if (ours != null) {
                ours.close();
            }
            if (real != null) {
                real.close();
            }
        }
    }

    @Test
    void exportGivesUpCleanlyWhenTheLockIsNeverReleased() throws IOException, InterruptedException {
        RealSandbox sb2 = root.sandboxes().stream().filter(s -> s.id().equals("sb2")).findFirst().orElseThrow();
        try (LockHolder _ = LockHolder.hold(sb2.lockFile())) {
            ProcResult ours = ours(List.of("sb2"));
            assertEquals(128, ours.exitCode(), ours::describe);
            assertEquals("", ours.stdout());
            assertEquals("loading container: state file " + sb2.stateFile() + " is still locked by another process after 10000 ms\n",
                    ours.stderr());
        }
    }

    @Test
    void exportDuringPauseResumeLoopReadsWholeStates() throws IOException, InterruptedException {
        String reference = ours(List.of("sb2")).stdout();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger cycles = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread loop = Thread.ofPlatform().name("pause-resume").start(() -> {
            try {
                while (!stop.get()) {
                    for (String verb : List.of("pause", "resume")) {
                        ProcResult r = RealRunsc.run(List.of("--root=" + root.path(), verb, "sb2"));
                        if (r.exitCode() != 0) {
                            failures.add(r.describe());
                            return;
                        }
                    }
                    cycles.incrementAndGet();
                }
            } catch (IOException e) {
                failures.add(e.toString());
            }
        });
        try {
            for (int i = 0; i < 4; i++) {
                ProcResult ours = ours(List.of("sb2"));
                assertEquals(0, ours.exitCode(), ours::describe);
                assertEquals(Exposition.normalise(reference), Exposition.normalise(ours.stdout()));
            }
        } finally {
            stop.set(true);
            loop.join(RealRunsc.COMMAND_DEADLINE.toMillis() * 2);
            RealRunsc.run(List.of("--root=" + root.path(), "resume", "sb2"));  // in case the loop stopped paused
        }
        assertEquals(List.of(), failures);
        assertTrue(cycles.get() > 0, "no pause/resume cycle completed");
        assertFalse(loop.isAlive());
    }
}
