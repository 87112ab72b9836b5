// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.cli.Cli;
import runsc.metrics.exposition.Data;
import runsc.metrics.exposition.Metric;
import runsc.metrics.exposition.MetricType;
import runsc.metrics.exposition.NumberValue;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.sim.SandboxOptions;
import runsc.metrics.sim.ScriptedReply;
import runsc.metrics.sim.Simulation;

/**
 * Snapshots this project refuses to write (upstream writes their lines cut off mid-way) reach the
 * user as one clean message, the same through {@code export-metrics} on the command line and through
 * the metric server's scrape: no internal error, no stack trace.
 */
class SnapshotRejectionTest {
    private static final String ADDRESS = "/x/metrics.sock";
    private static final Metric OPENS = new Metric("fs_opens", MetricType.COUNTER, "Files opened inside the sandbox.");

    private final List<String> log = new CopyOnWriteArrayList<>();
    @TempDir
    Path root;

    @ParameterizedTest(name = "data label \"{0}\"")
    @CsvSource(delimiter = '|', value = {
        "le|label \"le\" in the data labels (it is reserved for histogram buckets)",
        "''|empty label key in the data labels",
        "sandbox|label \"sandbox\" is given twice, by the data labels and the extra labels",
    })
    void bothPathsRejectTheSnapshotWithOneMessage(String key, String rule) throws Exception {
        String expected = "invalid snapshot: data point 0 (metric \"fs_opens\"): " + rule;
        var options = SandboxOptions.of("sb1", ADDRESS).withReplyScript(call -> ScriptedReply.snapshot(
                new Snapshot(ServerTestSupport.freshTime(), List.of(Data.ofNumber(OPENS, Map.of(key, "x"),
                        NumberValue.ofInt(1 + call))))));
        try (Simulation _ = Simulation.start(root, List.of(options))) {
            var out = new ByteArrayOutputStream();
            var err = new ByteArrayOutputStream();
            int status = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Map.of())
                    .run("--root=" + root, "export-metrics", "sb1");
            assertEquals("ExportMetrics failed: " + expected + "\n", err.toString(StandardCharsets.UTF_8));
            assertEquals(0, out.size());
            assertEquals(Cli.EXIT_FAILURE, status);

            ServerConfig config = ServerTestSupport.fastConfig(root, ADDRESS, 8);
            Scraper scraper = new Scraper(config, new ControlSandboxQuery(root), log::add);
            List<ServedSandbox> served = ServerTestSupport.discovery(config, log).refresh();
            SandboxResult result = scraper.scrape(served, FilterMatcher.none(),
                    System.nanoTime() + Duration.ofSeconds(5).toNanos()).getFirst();
            assertEquals(expected, assertInstanceOf(SandboxResult.Failed.class, result).error().getMessage());
        }
    }
}
