// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Drives only the real runsc binary through the fixture: what real sandboxes look like on disk and
 * what real {@code export-metrics} prints. The fixture's own rules are tested without root.
 */
class RealRunscTest {
    private static final Path SAMPLE = ProjectFiles.sample("real-export-metrics-sb1.txt");
    private static final Pattern CREATED_AT = Pattern.compile("\"createdAt\":\"([^\"]+)\"");
    private static final Pattern ITERATION = Pattern.compile("iteration=\"([0-9a-z]+)\"");
    /** How long the shape test waits for the sandbox's application to have started. */
    private static final Duration APP_START_DEADLINE = Duration.ofSeconds(20);

    /** Starts pod sandbox sb1 (pod web-0 in prod) and exports its metrics with real runsc, which must succeed. */
    private static ProcResult exportOfPodSandbox(RealRoot root) throws IOException {
        RealSandbox sandbox = root.start(SandboxSpec.pod("sb1", "web-0", "prod"));
        ProcResult export = RealRunsc.exportMetrics(root.path(), "sb1");
        assertEquals(0, export.exitCode(), () -> export.describe() + "\n" + sandbox.diagnostics());
        return export;
    }

    @Test
    void exportMetricsOfAPodSandboxHasTheShapeOfTheCapturedSample() throws IOException, InterruptedException {
        RealRunsc.assumeAvailable();
        try (RealRoot root = RealRoot.create()) {
            RealSandbox sandbox = root.start(SandboxSpec.pod("sb1", "web-0", "prod"));
            ProcResult export = exportOnceTheAppHasRun(root, sandbox);
            assertEquals("", export.stderr());
            assertEquals(normalize(Files.readString(SAMPLE)), normalize(export.stdout()));
        }
    }

    /**
     * Exports sb1 until its data show the application's first unimplemented system call, as in the
     * sample: a sandbox answers on its control socket before its {@code sleep} has run the C
     * library's start-up (which makes that call, {@code rseq}), and on a busy machine an export can
     * come in between.
     */
    private static ProcResult exportOnceTheAppHasRun(RealRoot root, RealSandbox sandbox)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + APP_START_DEADLINE.toNanos();
        while (true) {
            ProcResult export = RealRunsc.exportMetrics(root.path(), "sb1");
            assertEquals(0, export.exitCode(), () -> export.describe() + "\n" + sandbox.diagnostics());
            if (export.stdout().contains("\nrunsc_unimplemented_syscalls{") || System.nanoTime() - deadline > 0) {
                return export;
            }
            Thread.sleep(100);
        }
    }

    @Test
    void exportMetricsLabelsEveryPointWithIterationPodNamespaceAndSandbox() throws IOException {
        RealRunsc.assumeAvailable();
        try (RealRoot root = RealRoot.create()) {
            ProcResult export = exportOfPodSandbox(root);
            Pattern point = Pattern.compile(
                    "runsc_[a-z_]+\\{iteration=\"[0-9a-z]+\",namespace_name=\"prod\",pod_name=\"web-0\","
                            + "sandbox=\"sb1\"(,sysno=\"\\d+\")?\\} \\d+ \\d{13}");
            List<String> points = dataLines(export.stdout());
            assertFalse(points.isEmpty(), export::describe);
            for (String line : points) {
                assertTrue(point.matcher(line).matches(), line);
            }
        }
    }

    @Test
    void exportMetricsOfAPlainSandboxHasOnlyIterationAndSandboxLabels() throws IOException {
        RealRunsc.assumeAvailable();
        try (RealRoot root = RealRoot.create()) {
            root.start(SandboxSpec.plain("solo"));

            ProcResult export = RealRunsc.exportMetrics(root.path(), "solo");

            assertEquals(0, export.exitCode(), export::describe);
            Pattern point = Pattern.compile(
                    "runsc_[a-z_]+\\{iteration=\"[0-9a-z]+\",sandbox=\"solo\"(,sysno=\"\\d+\")?\\} \\d+ \\d{13}");
            for (String line : dataLines(export.stdout())) {
                assertTrue(point.matcher(line).matches(), line);
            }
        }
    }

    @Test
    void exportMetricsEndsWithTheByteCountOfWhatCameBefore() throws IOException {
        RealRunsc.assumeAvailable();
        try (RealRoot root = RealRoot.create()) {
            root.start(SandboxSpec.pod("sb1", "web-0", "prod"));

            String out = RealRunsc.exportMetrics(root.path(), "sb1").stdout();

            int last = out.lastIndexOf("Wrote ");
            int bytes = out.substring(0, last).getBytes(StandardCharsets.UTF_8).length;
            assertEquals("Wrote " + bytes + " bytes of Prometheus metric data to stdout\n", out.substring(last));
            assertTrue(out.substring(0, last).endsWith("\n# End of metric data.\n"), out);
        }
    }

    @Test
    void iterationLabelHashesSandboxIdAndCreationTime() throws IOException {
        RealRunsc.assumeAvailable();
        try (RealRoot root = RealRoot.create()) {
            RealSandbox sb = root.start(SandboxSpec.pod("sb1", "web-0", "prod"));

            String out = RealRunsc.exportMetrics(root.path(), "sb1").stdout();

            Matcher createdAt = CREATED_AT.matcher(sb.readState());
            assertTrue(createdAt.find(), "no createdAt in " + sb.stateFile());
            Matcher iteration = ITERATION.matcher(out);
            assertTrue(iteration.find(), out);
            assertEquals(iteration("sb1", createdAt.group(1)), iteration.group(1));
        }
    }

    @Test
    void iterationFormulaMatchesTheCapturedSample() {
        assertEquals("3mn9hmjm16dyk", iteration("sb1", "2026-11-25T03:34:49.899887494Z"));
    }

    @Test
    void stateLockAndSocketAreNamedAfterTheSandbox() throws IOException {
        RealRunsc.assumeAvailable();
        try (RealRoot root = RealRoot.create()) {
            RealSandbox sb = root.start(SandboxSpec.pod("sb1", "web-0", "prod"));

            assertEquals(Set.of("sb1_sandbox:sb1.state", "sb1_sandbox:sb1.lock", "runsc-sb1.sock"), names(root.path()));
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(sb.stateFile())));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sb.lockFile())));
            String state = sb.readState();
            assertTrue(state.startsWith("{\"id\":\"sb1\","), state.substring(0, 40));
            assertTrue(state.contains("\"controlSocketPath\":\"" + sb.controlSocket() + "\""), "controlSocketPath");
            assertTrue(state.contains("\"metricServerAddress\":\"" + root.metricServerAddress() + "\""),
                    "metricServerAddress");
            assertEquals("running", sb.status());
            assertTrue(ProcessHandle.of(sb.pid()).map(ProcessHandle::isAlive).orElse(false), "sandbox process alive");
        }
    }

    @Test
    void createdSandboxHasAStateFileThatSaysCreated() throws IOException {
        RealRunsc.assumeAvailable();
        try (RealRoot root = RealRoot.create()) {
            RealSandbox sb = root.createOnly(SandboxSpec.plain("sb1"));

            assertEquals("created", sb.status());
            assertTrue(Files.exists(sb.controlSocket()), "control socket");
        }
    }

    @Test
    void metricServerAddressIsRecordedAsGiven() throws IOException {
        RealRunsc.assumeAvailable();
        try (RealRoot root = RealRoot.create()) {
            RealSandbox sb = root.start(SandboxSpec.plain("sb1").withMetricServer("%RUNTIME_ROOT%/metrics.sock"));

            assertTrue(sb.readState().contains("\"metricServerAddress\":\"%RUNTIME_ROOT%/metrics.sock\""),
                    "metricServerAddress");
        }
    }

    @Test
    void sigkilledSandboxLeavesStaleStateAndRefusedSocket() throws IOException {
        RealRunsc.assumeAvailable();
        try (RealRoot root = RealRoot.create()) {
            RealSandbox sb = root.start(SandboxSpec.pod("sb1", "web-0", "prod"));
            long pid = sb.pid();

            sb.killSandboxProcess();

            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "sandbox process alive");
            assertEquals(Set.of("sb1_sandbox:sb1.state", "sb1_sandbox:sb1.lock", "runsc-sb1.sock"), names(root.path()));
            assertEquals("running", sb.status());
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ConnectException refused = assertThrows(ConnectException.class,
                        () -> ch.connect(UnixDomainSocketAddress.of(sb.controlSocket())));
                assertEquals("Connection refused", refused.getMessage());
            }
            ProcResult export = RealRunsc.exportMetrics(root.path(), "sb1");
            assertEquals(128, export.exitCode());
            assertEquals("ExportMetrics failed: connecting to control server at PID " + pid + ": connection refused\n",
                    export.stderr());
        }
    }

    @Test
    void closingTheRootRemovesSandboxesProcessesCgroupsAndDirectory() throws IOException {
        RealRunsc.assumeAvailable();
        RealRoot root = RealRoot.create();
        RealSandbox sb1;
        RealSandbox sb2;
        long pid1;
        long pid2;
        try {
            sb1 = root.start(SandboxSpec.pod("sb1", "web-0", "prod"));
            sb2 = root.start(SandboxSpec.plain("sb2"));
            pid1 = sb1.pid();
            pid2 = sb2.pid();
            sb2.killSandboxProcess();  // a stale one must go too
        } finally {
            root.close();
        }

        assertFalse(Files.exists(root.path()), root.path() + " exists");
        assertFalse(ProcessHandle.of(pid1).map(ProcessHandle::isAlive).orElse(false), "sb1 alive");
        assertFalse(ProcessHandle.of(pid2).map(ProcessHandle::isAlive).orElse(false), "sb2 alive");
        assertEquals(List.of(), cgroupDirs(sb1.cgroupsPath()));
        assertEquals(List.of(), cgroupDirs(sb2.cgroupsPath()));
        assertEquals(List.of(), root.sandboxes());
    }

    @Test
    void reportsHowLongOneSandboxTakes() throws IOException {
        RealRunsc.assumeAvailable();
        long t0 = System.nanoTime();
        RealSandbox sb;
        long t1;
        try (RealRoot root = RealRoot.create()) {
            SandboxSpec spec = SandboxSpec.pod("sb1", "web-0", "prod");
            sb = root.start(spec);
            t1 = System.nanoTime();
            ProcResult export = RealRunsc.exportMetrics(root.path(), "sb1");
            assertEquals(0, export.exitCode(), export.describe());
        }
        long t2 = System.nanoTime();
        // For budgeting CI time only: no assertion on durations.
        System.out.printf("real sandbox: create %d ms, start %d ms, up %d ms, export + remove %d ms%n",
                sb.createTime().toMillis(), sb.startTime().toMillis(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
        assertTrue(sb.createTime().isPositive());
    }

    @Test
    void startHandsOverOnlyASandboxThatAnswers() throws IOException {
        RealRunsc.assumeAvailable();
        try (RealRoot root = RealRoot.create()) {
            List<Long> checked = new ArrayList<>();
            RealSandbox sb = root.start(SandboxSpec.plain("sb1"), s -> {
                checked.add(s.pid());
                return checked.size() == 1 ? Optional.of("made to fail once") : s.answerProblem();
            });

            assertEquals(2, checked.size());
            assertEquals(checked.get(1), sb.pid());
            assertFalse(ProcessHandle.of(checked.get(0)).map(ProcessHandle::isAlive).orElse(false), "replaced sandbox alive");
            assertEquals(List.of(sb), root.sandboxes());
            assertEquals(Optional.empty(), sb.answerProblem());
        }
    }

    @Test
    void startGivesUpAfterBoundedTriesWithEachTrysProblemAndLogs() throws IOException {
        RealRunsc.assumeAvailable();
        try (RealRoot root = RealRoot.create()) {
            int[] tries = {0};
            IOException e = assertThrows(IOException.class,
                    () -> root.start(SandboxSpec.plain("sb1"), s -> Optional.of("refused " + ++tries[0])));

            assertEquals(RealRoot.START_TRIES, tries[0]);
            assertTrue(e.getMessage().startsWith("sandbox sb1 in " + root.path() + " is not alive and answering on its"
                    + " control socket after " + RealRoot.START_TRIES + " tries:\ntry 1: refused 1\nsandbox sb1 output:"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("\ntry " + RealRoot.START_TRIES + ": refused " + RealRoot.START_TRIES + "\n"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("--- create.err"), e.getMessage());
            assertEquals(List.of(), root.sandboxes());
        }
    }

    @Test
    void aSandboxWhoseProcessDiedDoesNotAnswer() throws IOException {
        RealRunsc.assumeAvailable();
        try (RealRoot root = RealRoot.create()) {
            RealSandbox sb = root.start(SandboxSpec.plain("sb1"));
            long pid = sb.pid();

            sb.killSandboxProcess();

            assertEquals(Optional.of("sandbox process " + pid + " is not running"), sb.answerProblem());
        }
    }

    @Test
    void specRejectsIdsThatRunscRejects() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SandboxSpec.plain("a/b"));
        assertEquals("sandbox id \"a/b\" does not match [\\w+.-]+", e.getMessage());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> SandboxSpec.plain("x".repeat(SandboxSpec.MAX_ID_LENGTH + 1)));
        assertEquals("sandbox id \"" + "x".repeat(41) + "\" is longer than 40 characters", tooLong.getMessage());
    }

    @Test
    void configJsonWritesPodAnnotationsEscaped() {
        String json = SandboxSpec.pod("sb1", "we\"b\n0", "prod").configJson("/rr1-sb1");

        assertTrue(json.contains("""
                  "annotations": {
                    "io.kubernetes.cri.container-type": "sandbox",
                    "io.kubernetes.cri.sandbox-name": "we\\"b\\n0",
                    "io.kubernetes.cri.sandbox-namespace": "prod"
                  },
                  "linux": {
                    "cgroupsPath": "/rr1-sb1",
                """), json);
        assertTrue(json.contains("\"root\": {\"path\": \"/\", \"readonly\": true}"), json);
        assertTrue(json.contains("\"terminal\": false"), json);
    }

    @Test
    void configJsonRunsSleepInANewNetworkNamespaceUnlessToldOtherwise() {
        String json = SandboxSpec.plain("sb1").configJson("/rr1-sb1");
        assertTrue(json.contains("\"args\": [\"sleep\", \"3600\"],"), json);
        assertTrue(json.contains("[{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"}"), json);

        String other = SandboxSpec.plain("sb1").withArgs(List.of("/usr/bin/python3", "-c", "print(\"a\")\nx = 1"))
                .withNetworkNamespace("/var/run/netns/n1").configJson("/rr1-sb1");
        assertTrue(other.contains("\"args\": [\"/usr/bin/python3\", \"-c\", \"print(\\\"a\\\")\\nx = 1\"],"), other);
        assertTrue(other.contains("{\"type\": \"network\", \"path\": \"/var/run/netns/n1\"}, {\"type\": \"ipc\"}"), other);
    }

    @Test
    void binaryPropertyThatNamesNoFileIsTheReasonToSkip() {
        String before = System.getProperty(RealRunsc.BINARY_PROPERTY);
        System.setProperty(RealRunsc.BINARY_PROPERTY, "no/such/runsc");
        try {
            assertEquals(Optional.empty(), RealRunsc.binary());
            Optional<String> reason = RealRunsc.staticReason();
            String expected = RealRunsc.effectiveUid() == 0
                    ? "runsc binary missing: -Drunsc.metrics.runsc=no/such/runsc is not an executable file"
                    : "real runsc sandboxes need root; this test runs as uid " + RealRunsc.effectiveUid();
            assertEquals(Optional.of(expected), reason);
        } finally {
            if (before == null) {
                System.clearProperty(RealRunsc.BINARY_PROPERTY);
            } else {
                System.setProperty(RealRunsc.BINARY_PROPERTY, before);
            }
        }
    }

    /** Replaces what differs between two runs (time, values, iteration, byte count) with placeholders. */
    private static String normalize(String export) {
        return export
                .replaceAll("taken at [^\n]+ UTC\\.", "taken at TIME UTC.")
                .replaceAll("iteration=\"[0-9a-z]+\"", "iteration=\"I\"")
                .replaceAll("(?m)^(runsc_[^\n]+\\}) \\d+ \\d+$", "$1 VALUE TIMESTAMP")
                .replaceAll("Wrote \\d+ bytes", "Wrote N bytes");
    }

    private static List<String> dataLines(String export) {
        List<String> lines = new ArrayList<>();
        for (String line : export.split("\n")) {
            if (line.startsWith("runsc_")) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static Set<String> names(Path dir) throws IOException {
        Set<String> names = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                names.add(p.getFileName().toString());
            }
        }
        return names;
    }

    private static List<Path> cgroupDirs(String cgroupsPath) throws IOException {
        Path cgroups = Path.of("/sys/fs/cgroup");
        String name = cgroupsPath.substring(1);
        try (Stream<Path> controllers = Files.list(cgroups)) {
            return Stream.concat(Stream.of(cgroups), controllers)
                    .map(c -> c.resolve(name))
                    .filter(Files::exists)
                    .toList();
        }
    }

    /**
     * runsc's iteration label: base 36 of the first 8 bytes (big-endian, unsigned) of
     * SHA-256("ID:" + Go's time.String() of createdAt in UTC).
     */
    private static String iteration(String sandboxId, String createdAt) {
        String goTime = createdAt.replace('T', ' ').replace("Z", " +0000 UTC");
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((sandboxId + ":" + goTime).getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (hash[i] & 0xff);
            }
            return Long.toUnsignedString(v, 36);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is part of every JDK", e);
        }
    }
}
