// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import runsc.metrics.testing.ProcResult;
import runsc.metrics.testing.RuntimeImage;
import runsc.metrics.testing.ProjectFiles;
import runsc.metrics.testing.ScratchDir;
import runsc.metrics.testing.Tools;

/**
 * {@code export-metrics} says which of its failures it met: runsc prints {@code loading container:
 * file does not exist} for an unknown ID, an empty root and a missing root alike; these keep runsc's
 * first words and add the root and the ID.
 */
class ExportMetricsMessagesTest {
    private static final Path SAMPLE = ProjectFiles.sample("real-state-sb1.json");

    @TempDir
    Path dir;

    private void writeState(Path root, String id) throws IOException {
        String text = Files.readString(SAMPLE, StandardCharsets.UTF_8).replace("sb1", id);
        Files.createFile(root.resolve(id + "_sandbox:" + id + ".lock"));
        Files.writeString(root.resolve(id + "_sandbox:" + id + ".state"), text, StandardCharsets.UTF_8);
    }

    @Test
    void anUnknownIdNamesTheIdAndTheRoot() throws IOException {
        writeState(dir, "sb1");
        CliTest.Result r = CliTest.run("--root=" + dir, "export-metrics", "web-frontend");
        assertEquals(128, r.status());
        assertEquals("loading container: file does not exist: no such container \"web-frontend\" in root \""
                + dir + "\"\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void anEmptyRootIsNoSuchContainer() {
        CliTest.Result r = CliTest.run("--root=" + dir, "export-metrics", "web-frontend");
        assertEquals(128, r.status());
        assertEquals("loading container: file does not exist: no such container \"web-frontend\" in root \""
                + dir + "\"\n", r.err());
    }

    @Test
    void aMissingRootSaysSo() {
        Path missing = dir.resolve("not-there");
        CliTest.Result r = CliTest.run("--root=" + missing, "export-metrics", "web-frontend");
        assertEquals(128, r.status());
        assertEquals("loading container: file does not exist: root directory \"" + missing + "\" does not exist\n",
                r.err());
    }

    @Test
    void theDefaultRootIsNamedWhenMissing() {
        Path runtimeDir = dir.resolve("xdg");
        CliTest.Result r = CliTest.run(java.util.Map.of("XDG_RUNTIME_DIR", runtimeDir.toString()),
                "export-metrics", "web-frontend");
        assertEquals(128, r.status());
        assertEquals("loading container: file does not exist: root directory \"" + runtimeDir.resolve("runsc")
                + "\" does not exist\n", r.err());
    }

    @Test
    void aRootThatIsAFileSaysSo() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        CliTest.Result r = CliTest.run("--root=" + file, "export-metrics", "web-frontend");
        assertEquals(128, r.status());
        assertEquals("loading container: root \"" + file + "\" is not a directory\n", r.err());
    }

    @Test
    void extraArgumentsAfterTheIdAreAUsageError() throws IOException {
        writeState(dir, "sb1");
        CliTest.Result r = CliTest.run("--root=" + dir, "export-metrics", "sb1", "sb2");
        assertEquals(128, r.status());
        assertTrue(r.err().startsWith("export-metrics takes one container ID, got 2 arguments: sb1 sb2\n"
                + "export-metrics [-exporter-prefix=<runsc_>] <container id> - "), r.err());
        assertEquals("", r.out());
    }

    @Test
    void aMissingIdSaysSoAboveTheUsage() {
        CliTest.Result r = CliTest.run("--root=" + dir, "export-metrics");
        assertEquals(128, r.status());
        assertTrue(r.err().startsWith("export-metrics: missing the container ID\n"
                + "export-metrics [-exporter-prefix=<runsc_>] <container id> - "), r.err());
    }

    /** Root reads every file; a user that may not read the root or a state file gets told which. */
    @Test
    void permissionDeniedNamesTheFile() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run the command as another user");
        Tools.assume("setpriv", "util-linux");
        Path launcher = RuntimeImage.launcher();
        assumeTrue(asNobody(List.of("test", "-x", launcher.toString())).exitCode() == 0,
                "user nobody cannot run " + launcher + " (a directory above it is not searchable by others)");
        try (ScratchDir scratch = ScratchDir.create("exp")) {
            Path base = scratch.path();
            Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path closed = Files.createDirectory(base.resolve("closed"));
            Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
            ProcResult r = asNobody("--root=" + closed, "export-metrics", "sb1");
            assertEquals(128, r.exitCode(), r::describe);
            assertEquals("loading container: permission denied on root directory \"" + closed + "\"\n", r.stderr());

            Path open = Files.createDirectory(base.resolve("open"));
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
            writeState(open, "sb1");
            Path state = open.resolve("sb1_sandbox:sb1.state");
            Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rw-------"));
            r = asNobody("--root=" + open, "export-metrics", "sb1");
            assertEquals(128, r.exitCode(), r::describe);
            assertTrue(r.stderr().startsWith("loading container: state file " + state + ": "), r.stderr());
            assertTrue(r.stderr().toLowerCase(java.util.Locale.ROOT).contains("permission denied"), r.stderr());
        }
    }

    private static ProcResult asNobody(String... args) throws IOException {
        return asNobody(RuntimeImage.command(args));
    }

    private static ProcResult asNobody(List<String> line) throws IOException {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
        command.addAll(line);
        return runsc.metrics.testing.Proc.run(RuntimeImage.builder(command, Path.of("/"), java.util.Map.of()),
                runsc.metrics.testing.Proc.DEADLINE);
    }
}
