// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import runsc.metrics.sim.Fault;
import runsc.metrics.sim.SandboxOptions;
import runsc.metrics.sim.Simulation;

/**
 * {@code simulate}: runs simulated sandboxes in {@code --root} until SIGINT or SIGTERM, then removes
 * their files. Their state files name {@code --metric-server} as their metric server, so a metric
 * server started with the same root and address serves them.
 */
final class SimulateCommand {
    /** The most sandboxes one process simulates: each holds a listening socket (one file descriptor). */
    static final int MAX_SANDBOXES = 10_000;
    /** The most filler series per sandbox, so that one flag cannot exhaust memory. */
    static final int MAX_SERIES = 10_000;

    /** The command: what help says of it, and its flags. */
    static final Command COMMAND = new Command("simulate",
            "simulate [-sandboxes=<n>] [-pod=<name>] [-namespace=<ns>] [-histogram] [-fault=<id>:<mode>]... - runs simulated sandboxes in --root until interrupted",
            "runs runsc-compatible simulated sandboxes, for tests and demos", SimulateCommand::define);

    private SimulateCommand() {
    }

    private static Command.Action define(FlagSet flags) {
        FlagSet.Flag<Integer> sandboxes = flags.integer("sandboxes", 3, "How many sandboxes to simulate.");
        FlagSet.Flag<String> pod = flags.string("pod", "", "Pod name annotation of the sandboxes (numbered when there are several).");
        FlagSet.Flag<String> namespace = flags.string("namespace", "", "Namespace annotation of the sandboxes.");
        FlagSet.Flag<Integer> series = flags.integer("series", 0, "Extra filler series per sandbox, for load tests.");
        FlagSet.Flag<Boolean> histogram = flags.bool("histogram",
                "Also export a histogram (real gVisor has none, and real runsc export-metrics cannot decode its infinite bucket bound).");
        FlagSet.Flag<List<String>> faults = flags.list("fault",
                "Make sandbox <id> misbehave: <id>:stall, slow:<ms>, garbage, close, huge, regress or dead (repeatable).");
        return invocation -> {
            if (!invocation.arguments().isEmpty()) {
                throw new UsageException("simulate takes no arguments, got \"" + invocation.arguments().getFirst() + "\"");
            }
            if (sandboxes.get() < 1 || sandboxes.get() > MAX_SANDBOXES) {
                throw new UsageException("invalid value \"" + sandboxes.get() + "\" for flag -sandboxes: must be 1 to " + MAX_SANDBOXES);
            }
            if (series.get() < 0 || series.get() > MAX_SERIES) {
                throw new UsageException("invalid value \"" + series.get() + "\" for flag -series: must be 0 to "
                        + MAX_SERIES);
            }
            List<SandboxOptions> options = options(sandboxes.get(), invocation.globals().metricServer(), pod.get(),
                    namespace.get(), series.get(), parseFaults(faults.get()), histogram.get());
            Signals signals = Signals.install();
            try (Simulation simulation = start(invocation, options)) {
                invocation.out().println("simulating " + simulation.sandboxes().size() + " sandboxes in "
                        + invocation.globals().rootText() + ": " + String.join(" ", options.stream().map(SandboxOptions::id).toList()));
                invocation.out().flush();
                invocation.log().accept("simulation stopped by " + signals.await());
            } catch (IOException e) {
                throw new CliException("simulate: cannot remove the simulated sandboxes' files: " + e.getMessage(), e);
            }
            return Cli.EXIT_OK;
        };
    }

    static Simulation start(Invocation invocation, List<SandboxOptions> options) throws CliException {
        try {
            Files.createDirectories(invocation.globals().root());
            return Simulation.start(invocation.globals().root(), options);
        } catch (IOException e) {
            throw new CliException("simulate: cannot start simulated sandboxes in " + invocation.globals().rootText()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Sandboxes {@code sim-1} ... {@code sim-N}; pod names numbered when there are several. */
    static List<SandboxOptions> options(int count, String address, String pod, String namespace, int series,
                                        Map<String, Fault> faults, boolean histogram) throws UsageException {
        List<SandboxOptions> out = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            String id = "sim-" + i;
            SandboxOptions o = SandboxOptions.of(id, address).withFillerSeries(series).withSeed(i)
                    .withFault(faults.getOrDefault(id, Fault.NONE));
            if (histogram) {
                o = o.withHistogram();
            }
            if (!pod.isEmpty() || !namespace.isEmpty()) {
                String podName = pod.isEmpty() ? "" : count == 1 ? pod : pod + "-" + i;
                o = o.withPod(podName, namespace);
            }
            out.add(o);
        }
        for (String id : faults.keySet()) {
            if (out.stream().noneMatch(o -> o.id().equals(id))) {
                throw new UsageException("invalid value for flag -fault: no simulated sandbox \"" + id + "\" (they are sim-1 to sim-" + count + ")");
            }
        }
        return out;
    }

    /** Parses {@code ID:MODE} values; the mode may contain a colon itself ({@code slow:200}). */
    static Map<String, Fault> parseFaults(List<String> values) throws UsageException {
        Map<String, Fault> faults = new HashMap<>();
        for (String v : values) {
            int colon = v.indexOf(':');
            if (colon <= 0) {
                throw new UsageException("invalid value \"" + v + "\" for flag -fault: want <id>:<mode>");
            }
            try {
                faults.put(v.substring(0, colon), Fault.parse(v.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw new UsageException("invalid value \"" + v + "\" for flag -fault: " + e.getMessage());
            }
        }
        return faults;
    }
}
