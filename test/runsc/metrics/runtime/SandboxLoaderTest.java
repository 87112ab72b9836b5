// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runsc.metrics.json.JsonNumber;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.testing.Tools;

class SandboxLoaderTest {
    @TempDir
    Path dir;

    private SandboxLoader loader() {
        return new SandboxLoader(new RuntimeRoot(dir));
    }

    /** Loads a sandbox as discovery does: its containers from one listing of the root, grouped by sandbox. */
    private SandboxOutcome loadSandbox(String sandboxId) {
        try {
            RuntimeRoot root = new RuntimeRoot(dir);
            return new SandboxLoader(root).loadSandbox(sandboxId,
                    RuntimeRoot.bySandbox(root.listContainers()).getOrDefault(sandboxId, List.of()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String failure(SandboxOutcome outcome) {
        return assertInstanceOf(SandboxOutcome.Failed.class, outcome).error().getMessage();
    }

    private static JsonObject withCaps(JsonObject state, String... caps) {
        return StateFixtures.at(state, new JsonObject(Map.of("ambient", StateFixtures.strings(caps))),
                "spec", "process", "capabilities");
    }

    @Test
    void loadsTheRootContainerByExactName() {
        StateFixtures.write(dir, StateFixtures.sample());
        ReadOutcome.Loaded loaded = assertInstanceOf(ReadOutcome.Loaded.class, loader().loadRoot("sb1"));
        assertEquals("sb1", loaded.state().id());
        assertInstanceOf(ReadOutcome.Gone.class, loader().loadRoot("sb2"));
    }

    @Test
    void rootFileWhoseContainerIsNotTheSandboxDoesNotBelongToIt() {
        JsonObject state = StateFixtures.with(StateFixtures.sample(), "id", new JsonString("other"));
        StateFixtures.writeRaw(dir, FullId.root("sb1"), runsc.metrics.json.Json.writeBytes(state));
        ReadOutcome.Failed failed = assertInstanceOf(ReadOutcome.Failed.class, loader().loadRoot("sb1"));
        assertEquals("state file " + dir.resolve("sb1_sandbox:sb1.state") + ": holds the state of container \"other\" "
                + "of sandbox \"sb1\", not of container \"sb1\" of sandbox \"sb1\" that its name gives",
                failed.error().getMessage());
    }

    @Test
    void loadsOnlyTheContainersItIsGiven() {
        StateFixtures.write(dir, StateFixtures.sample());
        StateFixtures.write(dir, StateFixtures.container("sb1", "sb1c", "container"));
        LoadedSandbox sandbox = assertInstanceOf(SandboxOutcome.Loaded.class,
                loader().loadSandbox("sb1", List.of(FullId.root("sb1")))).sandbox();
        assertEquals(List.of("sb1"), sandbox.containers().stream().map(ContainerState::id).toList());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loader().loadSandbox("sb1", List.of(FullId.root("sb1"), FullId.root("sb2"))));
        assertEquals("container \"sb2\" belongs to sandbox \"sb2\", not \"sb1\"", e.getMessage());
    }

    @Test
    void loadsAllContainersAndDerivesTheirValues() {
        StateFixtures.write(dir, StateFixtures.sample());
        JsonObject sub = withCaps(StateFixtures.container("sb1", "sb1c", "container"), "CAP_PERFMON", "CAP_CHOWN");
        sub = StateFixtures.at(sub, JsonNumber.of(1000), "spec", "process", "user", "uid");
        sub = StateFixtures.at(sub, new JsonString("1.1.0"), "spec", "ociVersion");
        sub = StateFixtures.with(sub, "createdAt", new JsonString("2026-11-25T03:40:00Z"));
        StateFixtures.write(dir, sub);
        LoadedSandbox sandbox = assertInstanceOf(SandboxOutcome.Loaded.class, loadSandbox("sb1")).sandbox();
        assertEquals("sb1", sandbox.root().id());
        assertEquals(List.of("sb1", "sb1c"), sandbox.containers().stream().map(ContainerState::id).toList());
        assertEquals(Map.of("sandbox", "sb1", "iteration", "3mn9hmjm16dyk", "pod_name", "web-0", "namespace_name", "prod"),
                sandbox.identityLabels());
        assertEquals(List.of(Capability.CHOWN, Capability.KILL, Capability.NET_BIND_SERVICE, Capability.AUDIT_WRITE,
                Capability.PERFMON), sandbox.capabilities());
        assertEquals(new SpecMetadata(true, "INCONSISTENT", false, false), sandbox.specMetadata());
        assertEquals(SandboxLabels.creationTimeSeconds(Instant.parse("2026-11-25T03:34:49.899887494Z")),
                sandbox.creationTimeSeconds());
        assertEquals("web-0", sandbox.sandbox().podName());
    }

    @Test
    void sandboxIdMatchesExactlyNotAsAPrefix() {
        StateFixtures.write(dir, StateFixtures.sample());
        StateFixtures.write(dir, StateFixtures.container("sb10", "sb10", "sandbox"));
        LoadedSandbox sb1 = assertInstanceOf(SandboxOutcome.Loaded.class, loadSandbox("sb1")).sandbox();
        assertEquals(List.of("sb1"), sb1.containers().stream().map(ContainerState::id).toList());
        LoadedSandbox sb10 = assertInstanceOf(SandboxOutcome.Loaded.class, loadSandbox("sb10")).sandbox();
        assertEquals("sb10", sb10.root().id());
    }

    @Test
    void multipleRootContainersFail() {
        StateFixtures.write(dir, StateFixtures.sample());
        StateFixtures.write(dir, StateFixtures.container("sb1", "sb1x", null));
        assertEquals("multiple root containers found for sandbox ID \"sb1\": \"sb1\" and \"sb1x\"",
                failure(loadSandbox("sb1")));
    }

    @Test
    void noRootContainerFails() {
        StateFixtures.write(dir, StateFixtures.container("sb1", "sb1", "container"));
        assertEquals("no root container found for sandbox ID \"sb1\"", failure(loadSandbox("sb1")));
        assertEquals("no root container found for sandbox ID \"nope\"", failure(loadSandbox("nope")));
    }

    @Test
    void vanishedContainersAreSkipped() throws IOException {
        StateFixtures.write(dir, StateFixtures.sample());
        StateFixtures.write(dir, StateFixtures.container("sb1", "sb1c", "container"));
        Files.delete(dir.resolve("sb1c_sandbox:sb1.lock"));
        LoadedSandbox sandbox = assertInstanceOf(SandboxOutcome.Loaded.class, loadSandbox("sb1")).sandbox();
        assertEquals(List.of("sb1"), sandbox.containers().stream().map(ContainerState::id).toList());
    }

    @Test
    void aFailedContainerFailsTheSandboxNamingBoth() {
        StateFixtures.write(dir, StateFixtures.sample());
        StateFixtures.writeRaw(dir, new FullId("sb1", "sb1c"), "");
        assertEquals("cannot load sandbox \"sb1\", container \"sb1c\": state file " + dir.resolve("sb1c_sandbox:sb1.state")
                + ": file is empty", failure(loadSandbox("sb1")));
    }

    @Test
    void aLockedSubcontainerMakesTheWholeSandboxLocked() throws Exception {
        StateFixtures.write(dir, StateFixtures.sample());
        StateFixtures.write(dir, StateFixtures.container("sb1", "sb1c", "container"));
        Process holder = new ProcessBuilder(Tools.assume("flock", "util-linux").toString(), "-x", dir.resolve("sb1c_sandbox:sb1.lock").toString(),
                "sh", "-c", "echo held; exec sleep 30").start();
        try {
            assertEquals('h', holder.getInputStream().read());
            assertInstanceOf(SandboxOutcome.Locked.class, loadSandbox("sb1"));
            assertInstanceOf(ReadOutcome.Loaded.class, loader().loadRoot("sb1"));
        } finally {
            holder.descendants().forEach(ProcessHandle::destroy);
            holder.destroy();
            holder.waitFor();
        }
    }
}
