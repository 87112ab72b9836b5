// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import runsc.metrics.control.ContainerStats;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.runtime.LoadedSandbox;
import runsc.metrics.runtime.SandboxLabels;
import runsc.metrics.sim.SandboxOptions;
import runsc.metrics.sim.SimulatedSandbox;

/**
 * {@code container_cpu_usage_seconds_total} never falls within a series on {@code /metrics}: a
 * simulated pod {@code pod1} (containers {@code pod1} and {@code app}) whose stats come from a
 * script in runsc's shape, each container's share of the sentry's CPU applied to the host cgroup's
 * usage, so that one container's figure falls when the other's share grows. The server serves the
 * highest figure of the series so far; a new iteration, or the same sandbox served anew after it
 * was gone, starts from its own figures.
 */
class MonotonicCpuScrapeTest {
    private static final String CPU = "runsc_container_cpu_usage_seconds_total";
    private static final long MS = 1_000_000L;
    /**
     * Per read: the sentry's CPU of {@code pod1} and {@code app}, and the host cgroup's, in ms. Read 2
     * gives {@code app} 10 * 500 / 40 = 125 ms after 200 ms; read 3 gives {@code pod1} 300 ms after 375.
     */
    private static final long[][] READS = {{10, 10, 400}, {30, 10, 500}, {30, 30, 600}};

    @RegisterExtension
    final ServerScratch scratch = new ServerScratch();
    private final Path root = scratch.root();
    private final Path socket = scratch.socket();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final AtomicInteger reads = new AtomicInteger();
    private SimulatedSandbox pod;

    @BeforeEach
    void startPodSandbox() throws IOException {
        pod = startPod();
    }

    @AfterEach
    void stopPodSandbox() throws IOException {
        pod.close();
    }

    private SimulatedSandbox startPod() throws IOException {
        return SimulatedSandbox.start(root, SandboxOptions.of("pod1", socket.toString()).withPod("web-0", "prod"));
    }

    /** A server whose stats reads follow {@link #READS}, one row per read, with labels as {@code labels} makes them. */
    private void startServer(UnaryOperator<Map<String, String>> labels) throws IOException, ServerStartException {
        SandboxQuery real = new ControlSandboxQuery(root);
        SandboxQuery scripted = new SandboxQuery() {
            @Override
            public Snapshot export(LoadedSandbox sandbox, FilterMatcher filter, long deadlineNanos) throws IOException {
                return real.export(sandbox, filter, deadlineNanos);
            }

            @Override
            public boolean readsResourceUsage() {
                return true;
            }

            @Override
            public ResourceUsage resourceUsage(LoadedSandbox sandbox, long deadlineNanos) {
                long[] read = READS[reads.getAndIncrement()];
                Map<String, Long> sentry = Map.of("pod1", read[0] * MS, "app", read[1] * MS);
                List<ContainerStats> containers = List.of(container("pod1", sentry), container("app", sentry));
                return new ResourceUsage(new StatsWriter.SandboxStats(sandbox.sandbox().id(),
                        labels.apply(sandbox.identityLabels()), containers, OptionalLong.of(read[2] * MS)), Optional.empty());
            }
        };
        scratch.closeAfter(MetricServer.start(ServerTestSupport.config(root, socket.toString(), 8, Duration.ofSeconds(20),
                Duration.ofSeconds(10)), Optional.empty(), false, log::add, scripted));
    }

    private static ContainerStats container(String id, Map<String, Long> sentry) {
        return new ContainerStats(id, OptionalLong.empty(), sentry, new ContainerStats.Memory(0, 0, 0, 0, 0),
                new ContainerStats.Pids(1, 0), List.of());
    }

    /** One scrape: the CPU value of each container, by container ID. */
    private Map<String, String> scrapeCpu() throws IOException {
        ServerTestSupport.Response r = ServerTestSupport.get(socket, "/metrics");
        assertEquals(200, r.status(), r.body());
        ServerTestSupport.assertParses(r.body());
        Map<String, String> cpu = new HashMap<>();
        for (String line : ServerTestSupport.lines(r.body(), CPU)) {
            cpu.put(ServerTestSupport.label(line, "container").orElseThrow(), line.substring(line.lastIndexOf(' ') + 1));
        }
        return cpu;
    }

    @Test
    void aFallingFigureIsServedAtTheHighestOfItsSeries() throws Exception {
        startServer(UnaryOperator.identity());
        assertEquals(Map.of("pod1", "0.2", "app", "0.2"), scrapeCpu());
        assertEquals(Map.of("pod1", "0.375", "app", "0.2"), scrapeCpu(), "app's 125 ms is served as its 200 ms before");
        assertEquals(Map.of("pod1", "0.375", "app", "0.3"), scrapeCpu(), "pod1's 300 ms is served as its 375 ms before");
    }

    @Test
    void aNewIterationStartsFromItsOwnFigures() throws Exception {
        startServer(labels -> {
            Map<String, String> out = new HashMap<>(labels);
            out.put(SandboxLabels.ITERATION, reads.get() == 1 ? "first" : "second");
            return out;
        });
        assertEquals(Map.of("pod1", "0.2", "app", "0.2"), scrapeCpu());
        assertEquals(Map.of("pod1", "0.375", "app", "0.125"), scrapeCpu(), "a new series, not bound by the old one");
    }

    @Test
    void aSandboxNoLongerServedTakesItsFiguresWithIt() throws Exception {
        // One iteration label for both lives of pod1, so that only the drop can make the server forget.
        startServer(labels -> {
            Map<String, String> out = new HashMap<>(labels);
            out.put(SandboxLabels.ITERATION, "same");
            return out;
        });
        assertEquals(Map.of("pod1", "0.2", "app", "0.2"), scrapeCpu());
        pod.close();
        assertEquals(Map.of(), scrapeCpu(), "pod1 is gone");
        assertEquals(1, log.stream().filter(l -> l.startsWith("sandbox pod1 no longer exists")).count(), log::toString);
        pod = startPod();
        assertEquals(Map.of("pod1", "0.375", "app", "0.125"), scrapeCpu(), "served anew: the old figures went with it");
    }
}
