// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import runsc.metrics.testing.ProjectFiles;
import runsc.metrics.testing.SpecialFile;

/**
 * {@code export-metrics} in-process on roots with odd files: it refuses them with a reason within
 * its documented limits, never waiting on a FIFO, and never exports one sandbox under another's name.
 */
class ExportMetricsRefusalTest {
    /** Less than the documented 10 s lock wait plus 30 s reply limit: a refusal takes no wait at all. */
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final Path SAMPLE = ProjectFiles.sample("real-state-sb1.json");

    @TempDir
    Path root;
    @TempDir
    Path scratch;

    @AfterEach
    void releaseStuckReaders() throws IOException {
        SpecialFile.cleanUp(root, scratch);
    }

    private CliTest.Result export(String id) {
        return assertTimeoutPreemptively(BOUND, () -> CliTest.run("--root=" + root, "export-metrics", id),
                "export-metrics " + id + " did not end");
    }

    /** The real sample state renamed to sandbox {@code id}, with an empty lock file. */
    private Path writeState(String id) throws IOException {
        String text = Files.readString(SAMPLE, StandardCharsets.UTF_8).replace("sb1", id);
        Files.createFile(root.resolve(id + "_sandbox:" + id + ".lock"));
        return Files.writeString(root.resolve(id + "_sandbox:" + id + ".state"), text, StandardCharsets.UTF_8);
    }

    static Stream<Arguments> filesAndKinds() {
        return Stream.of("state", "lock")
                .flatMap(file -> Stream.of(SpecialFile.values()).map(kind -> Arguments.of(file, kind)));
    }

    /** A sandbox's state or lock file replaced by something that is not a regular file. */
    @ParameterizedTest(name = "{0} file: {1}")
    @MethodSource("filesAndKinds")
    void aFileThatIsNotARegularFileIsRefused(String file, SpecialFile kind) throws Exception {
        writeState("x");
        Path regular = root.resolve("x_sandbox:x." + file);
        Files.delete(regular);
        Path special = kind.create(regular, scratch);
        CliTest.Result r = export("x");
        assertEquals(128, r.status(), r.err());
        assertEquals("loading container: " + file + " file " + special + ": not a regular file (it is " + kind.type()
                + ")\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void aStateFileOfAnotherSandboxIsRefused() throws IOException {
        Path real = writeState("sim-2");
        Path impostor = Files.createSymbolicLink(root.resolve("ev_sandbox:ev.state"), real);
        Files.createFile(root.resolve("ev_sandbox:ev.lock"));
        CliTest.Result r = export("ev");
        assertEquals(128, r.status(), r.err());
        assertEquals("loading container: state file " + impostor + ": holds the state of container \"sim-2\" of sandbox "
                + "\"sim-2\", not of container \"ev\" of sandbox \"ev\" that its name gives\n", r.err());
        assertEquals("", r.out());
    }
}
