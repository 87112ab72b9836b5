// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

/** {@code demo}. */
final class DemoCommand implements Command {
    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String synopsis() {
        return "demo [-metric-server=<addr>] - starts three simulated sandboxes and a metric server until interrupted";
    }

    @Override
    public String summary() {
        return "simulated sandboxes plus a live metric server, to try the tool";
    }

    @Override
    public Action define(FlagSet flags) {
        FlagSet.Flag<String> address = flags.string("metric-server", "127.0.0.1:1337",
                "Address to serve metrics on: [host]:port or an absolute Unix socket path.");
        return invocation -> {
            throw new CliException("demo: PENDING");
        };
    }
}
