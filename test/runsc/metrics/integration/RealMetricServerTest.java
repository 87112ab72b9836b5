// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import runsc.metrics.testing.Daemon;
import runsc.metrics.testing.LockHolder;
import runsc.metrics.testing.Proc;
import runsc.metrics.testing.ProcResult;
import runsc.metrics.testing.RealRunsc;
import runsc.metrics.testing.RealSandbox;
import runsc.metrics.testing.SandboxSpec;
import runsc.metrics.testing.Tools;

/**
 * {@code runsc-metrics metric-server} over real gVisor sandboxes that were created with
 * {@code --metric-server} naming its socket, compared with what real {@code runsc export-metrics}
 * prints for each of them.
 */
class RealMetricServerTest {
    /** Self metrics written once per served sandbox that answered. */
    static final List<String> PER_SANDBOX = List.of("runsc_meta_sandbox_presence", "runsc_meta_sandbox_running",
            "runsc_meta_sandbox_checkpointed", "runsc_meta_sandbox_restored",
            "runsc_meta_sandbox_cpu_time_saved_milliseconds", "runsc_meta_sandbox_wall_time_saved_milliseconds",
            "runsc_meta_sandbox_metadata", "runsc_meta_sandbox_capabilities", "runsc_meta_spec_metadata",
            "runsc_meta_sandbox_creation_time_seconds");
    /** Self metrics written once per scrape, without labels. */
    static final List<String> PER_SERVER = List.of("runsc_meta_metric_server_presence", "runsc_meta_num_sandboxes_running",
            "runsc_meta_num_sandboxes_broken_metrics", "runsc_meta_num_sandboxes_total",
            "runsc_meta_num_sandboxes_checkpointed", "runsc_meta_num_sandboxes_restored", "process_start_time_seconds");

    @RegisterExtension
    static final RealServerFixture fixture = new RealServerFixture("rs");
    private static Daemon server;

    @BeforeAll
    static void startSandboxesAndServer() throws IOException, InterruptedException {
        fixture.root().start(SandboxSpec.pod("sb1", "web-0", "prod"));
        fixture.root().start(SandboxSpec.plain("sb2"));
        server = fixture.startServer(fixture.root().metricServerAddress(), "metric-server");
    }

    /** The sandbox's own series (not self metrics) in a server response. */
    private static Set<String> ownSeries(String body, String id) {
        return series(Exposition.samplesWithLabel(body, "sandbox", id), s -> !s.name().startsWith("runsc_meta_"));
    }

    private static Set<String> series(List<Exposition.Sample> samples, Predicate<Exposition.Sample> keep) {
        return samples.stream().filter(keep).map(Exposition.Sample::series).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> namesOf(String body, String id) {
        return Exposition.samplesWithLabel(body, "sandbox", id).stream().map(Exposition.Sample::name)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void servesForEachSandboxWhatRealRunscExportsPlusSelfMetrics() throws IOException, InterruptedException {
        String body = fixture.scrape();
        for (String id : List.of("sb1", "sb2")) {
            ProcResult real = RealRunsc.exportMetrics(fixture.root().path(), id);
            assertEquals(0, real.exitCode(), real::describe);
            String realExposition = real.stdout().substring(0, real.stdout().lastIndexOf("Wrote "));
            List<Exposition.Sample> realSamples = Exposition.samples(realExposition);
            assertFalse(realSamples.isEmpty(), realExposition);
            assertEquals(series(realSamples, s -> true), ownSeries(body, id), "series of " + id);
            // Same HELP and TYPE lines for the sandbox's families.
            for (String line : realExposition.lines().filter(l -> l.startsWith("# HELP ") || l.startsWith("# TYPE ")).toList()) {
                assertTrue(body.contains("\n" + line + "\n"), () -> "missing " + line);
            }
            // Self metrics carry the same identity labels as the sandbox's own.
            Map<String, String> identity = realSamples.getFirst().labels();
            Set<String> names = namesOf(body, id);
            assertTrue(names.containsAll(PER_SANDBOX), () -> id + " lacks self metrics: " + names);
            for (Exposition.Sample s : Exposition.samplesWithLabel(body, "sandbox", id)) {
                for (String key : List.of("iteration", "sandbox", "pod_name", "namespace_name")) {
                    assertEquals(identity.get(key), s.label(key), () -> key + " of " + s.series());
                }
            }
            List<Exposition.Sample> self = Exposition.samplesWithLabel(body, "sandbox", id);
            assertEquals("1", value(self, "runsc_meta_sandbox_presence"));
            assertEquals("1", value(self, "runsc_meta_sandbox_running"));
            assertEquals(List.of("KILL", "NET_BIND_SERVICE", "AUDIT_WRITE"), self.stream()
                    .filter(s -> s.name().equals("runsc_meta_sandbox_capabilities")).map(s -> s.label("capability")).toList());
            Exposition.Sample spec = self.stream().filter(s -> s.name().equals("runsc_meta_spec_metadata")).findFirst().orElseThrow();
            assertEquals("true", spec.label("hasuid0"));
            assertEquals("1.0.0", spec.label("ociversion"));
        }
        Set<String> all = Exposition.samples(body).stream().map(Exposition.Sample::name).collect(Collectors.toSet());
        assertTrue(all.containsAll(PER_SERVER), () -> "server-level self metrics missing: " + all);
        List<Exposition.Sample> samples = Exposition.samples(body);
        assertEquals("1", value(samples, "runsc_meta_metric_server_presence"));
        assertEquals("0", value(samples, "runsc_meta_num_sandboxes_broken_metrics"));
        assertEquals(Long.toString(samples.stream().filter(s -> s.name().equals("runsc_meta_sandbox_running")
                && s.value().equals("1")).count()), value(samples, "runsc_meta_num_sandboxes_running"));
    }

    private static String value(List<Exposition.Sample> samples, String name) {
        List<String> values = samples.stream().filter(s -> s.name().equals(name)).map(Exposition.Sample::value).toList();
        assertEquals(1, values.size(), () -> name + ": " + values);
        return values.getFirst();
    }

    @Test
    void pausedSandboxIsStillServed() throws IOException, InterruptedException {
        ProcResult paused = RealRunsc.run(List.of("--root=" + fixture.root().path(), "pause", "sb2"));
        assertEquals(0, paused.exitCode(), paused::describe);
        try {
            String body = fixture.scrape();
            assertFalse(ownSeries(body, "sb2").isEmpty(), () -> "paused sb2 not served: " + body);
            assertEquals("1", value(Exposition.samplesWithLabel(body, "sandbox", "sb2"), "runsc_meta_sandbox_running"));
        } finally {
            ProcResult resumed = RealRunsc.run(List.of("--root=" + fixture.root().path(), "resume", "sb2"));
            assertEquals(0, resumed.exitCode(), resumed::describe);
        }
    }

    @Test
    void promtoolParsesTheResponseForRealSandboxes() throws IOException, InterruptedException {
        Promtool.assumeInstalled();
        HttpReply reply = Curl.unix(Path.of(fixture.root().metricServerAddress()), "/metrics");
        assertEquals(200, reply.status());
        Promtool.assertParses(reply.body(), "/metrics of real sandboxes");
    }

    @Test
    void sigkilledSandboxIsDroppedOrNotRunningWhileOthersStay() throws IOException, InterruptedException {
        RealSandbox victim = fixture.root().start(SandboxSpec.plain("victim"));
        try {
            String before = fixture.scrape();
            assertFalse(ownSeries(before, "victim").isEmpty(), "victim not served: " + before);

            victim.killSandboxProcess();
            String after = fixture.scrape();
            for (String id : List.of("sb1", "sb2")) {
                assertEquals(ownSeries(before, id), ownSeries(after, id), "series of " + id + " after the kill");
            }
            assertEquals(Set.of(), ownSeries(after, "victim"), "metrics of a killed sandbox");
            List<Exposition.Sample> left = Exposition.samplesWithLabel(after, "sandbox", "victim");
            assertTrue(left.isEmpty() || "0".equals(value(left, "runsc_meta_sandbox_running")),
                    () -> "the killed sandbox is still reported running: " + left);
            assertEquals("0", value(Exposition.samples(after), "runsc_meta_num_sandboxes_broken_metrics"));
        } finally {
            victim.close();
        }
        assertTrue(server.isAlive(), server::describe);
    }

    /** Whether the sandbox process lives and its lock is free, for failure messages. */
    private static String describe(RealSandbox s) throws IOException, InterruptedException {
        long pid = s.pid();
        ProcResult free = Proc.run(List.of(Tools.find("flock").orElse(Path.of("flock")).toString(), "-n", "-x",
                s.lockFile().toString(), "true"));
        return "sandbox " + s.id() + " pid " + pid + (ProcessHandle.of(pid).isPresent() ? " alive" : " dead")
                + ", lock " + (free.exitCode() == 0 ? "free" : "held") + ", status " + s.status();
    }

    @Test
    void lockedNewSandboxIsSkippedThenTakenOnOnceReleased() throws IOException, InterruptedException {
        // A sandbox of its own server (same root, another address), so that no earlier scrape has seen it.
        String address = fixture.resolve("held.sock").toString();
        RealSandbox held = fixture.root().start(SandboxSpec.plain("held").withMetricServer(address));
        Daemon second = null;
        try {
            try (LockHolder _ = LockHolder.hold(held.lockFile())) {
                second = fixture.startServer(address, "second-server");
                for (int i = 0; i < 2; i++) {
                    String body = fixture.scrape(address);
                    assertEquals(Set.of(), namesOf(body, "held"), "served while its state file was locked");
                    assertEquals("0", value(Exposition.samples(body), "runsc_meta_num_sandboxes_total"));
                }
            }
            String body = fixture.scrape(address);
            String state = describe(held);
            assertTrue(namesOf(body, "held").containsAll(PER_SANDBOX), () -> "not taken on after the lock (" + state + "): "
                    + body);
            assertFalse(ownSeries(body, "held").isEmpty(), body);
            assertEquals("1", value(Exposition.samples(body), "runsc_meta_num_sandboxes_total"));
            assertEquals(Set.of(), namesOf(body, "sb1"), "a sandbox of another metric server was served");
            assertEquals(Set.of(), namesOf(fixture.scrape(), "held"), "the first server served a sandbox of another address");
        } finally {
            if (second != null) {
                second.close();
            }
            held.close();
        }
    }
}
