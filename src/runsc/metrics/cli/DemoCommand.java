// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import runsc.metrics.server.ControlSandboxQuery;
import runsc.metrics.server.MetricServer;
import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.server.ServerStartException;
import runsc.metrics.sim.SandboxOptions;
import runsc.metrics.sim.Simulation;

/**
 * {@code demo}: three simulated sandboxes (one with pod and namespace labels) in a private root
 * directory, a metric server for them, and the commands to try, until Ctrl-C; then everything it
 * created is removed.
 */
final class DemoCommand {
    static final String DEFAULT_ADDRESS = "127.0.0.1:1337";

    /** The command: what help says of it, and its flags. */
    static final Command COMMAND = new Command("demo",
            "demo [-metric-server=<addr>] - starts three simulated sandboxes and a metric server until interrupted",
            "simulated sandboxes plus a live metric server, to try the tool", DemoCommand::define);

    private DemoCommand() {
    }

    private static Command.Action define(FlagSet flags) {
        FlagSet.Flag<String> address = flags.string("metric-server", DEFAULT_ADDRESS,
                "Address to serve metrics on: [host]:port or an absolute Unix socket path.");
        return invocation -> {
            if (!invocation.arguments().isEmpty()) {
                throw new UsageException("demo takes no arguments, got \"" + invocation.arguments().getFirst() + "\"");
            }
            String addr = address.isSet() || invocation.globals().metricServer().isEmpty()
                    ? address.get() : invocation.globals().metricServer();
            return run(invocation, addr);
        };
    }

    private static int run(Invocation invocation, String address) throws CliException, InterruptedException {
        Path root;
        try {
            root = Files.createTempDirectory(Path.of("/tmp"), "runsc-metrics-demo-");
        } catch (IOException e) {
            throw new CliException("demo: cannot create a private root directory under /tmp: " + e.getMessage(), e);
        }
        String rootText = root.toString();
        List<SandboxOptions> sandboxes = List.of(
                SandboxOptions.of("web-frontend", address).withPod("web-0", "shop").withSeed(1).withHistogram(),
                SandboxOptions.of("batch-job", address).withSeed(2).withHistogram(),
                SandboxOptions.of("cache", address).withSeed(3).withHistogram());
        Signals signals = Signals.install();
        try (Simulation simulation = Simulation.start(root, sandboxes)) {
            ServerConfig config = ServerConfig.of(rootText, address, "runsc_", ServerConfig.DEFAULT_MAX_PARALLEL);
            MetricServer server;
            try {
                server = MetricServer.start(config, Optional.empty(), false, invocation.log(), new ControlSandboxQuery(root, true));
            } catch (ServerStartException e) {
                throw new CliException("demo: " + e.getMessage(), e);
            }
            try {
                invocation.out().print(instructions(rootText, address, server.boundAddress(), simulation.sandboxes().size()));
                invocation.out().flush();
                invocation.log().accept("demo stopped by " + signals.await());
            } finally {
                server.close();
            }
        } catch (IOException e) {
            throw new CliException("demo: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(root);
            } catch (IOException e) {
                invocation.err().println("demo: cannot remove " + root + ": " + e.getMessage());
            }
        }
        invocation.out().println("demo stopped; removed " + rootText);
        return Cli.EXIT_OK;
    }

    static String instructions(String root, String address, String bound, int count) {
        String curl = address.startsWith("/") ? "curl -s --unix-socket " + bound + " 'http://localhost" : "curl -s 'http://" + bound;
        return "runsc-metrics demo: " + count + " simulated sandboxes in " + root + ", metric server on " + bound + "\n\n"
                + "Try:\n"
                + "  " + curl + "/metrics'\n"
                + "  " + curl + "/metrics?runsc-sandbox-metrics-filter=^fs_'\n"
                + "  " + curl + "/metrics?runsc-capability-filter=KILL' | grep capabilities\n"
                + "  " + curl + "/metrics' | grep -A40 'Resource usage'   (the demo runs with --resource-stats)\n"
                + "  " + curl + "/runsc-metrics/healthcheck?root=" + root + "'\n"
                + "  runsc-metrics --root=" + root + " export-metrics web-frontend\n"
                + "  runsc-metrics --root=" + root + " export-metrics --resource-stats web-frontend\n\n"
                + "Over a Unix socket instead: runsc-metrics demo --metric-server=/tmp/runsc-metrics-demo.sock\n"
                + "  and curl -s --unix-socket /tmp/runsc-metrics-demo.sock http://localhost/metrics\n\n"
                + "Press Ctrl-C to stop; everything the demo created is removed.\n";
    }
}
