// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

/** {@code simulate}. */
final class SimulateCommand implements Command {
    @Override
    public String name() {
        return "simulate";
    }

    @Override
    public String synopsis() {
        return "simulate [-sandboxes=<n>] [-pod=<name>] [-namespace=<ns>] [-fault=<id>:<mode>]... - runs simulated sandboxes in --root until interrupted";
    }

    @Override
    public String summary() {
        return "runs runsc-compatible simulated sandboxes, for tests and demos";
    }

    @Override
    public Action define(FlagSet flags) {
        FlagSet.Flag<Integer> sandboxes = flags.integer("sandboxes", 3, "How many sandboxes to simulate.");
        FlagSet.Flag<String> pod = flags.string("pod", "", "Pod name annotation of the sandboxes (numbered when there are several).");
        FlagSet.Flag<String> namespace = flags.string("namespace", "", "Namespace annotation of the sandboxes.");
        FlagSet.Flag<Integer> series = flags.integer("series", 0, "Extra filler series per sandbox, for load tests.");
        FlagSet.Flag<java.util.List<String>> faults = flags.list("fault",
                "Make sandbox <id> misbehave: <id>:stall, slow:<ms>, garbage, close, huge, regress or dead (repeatable).");
        return invocation -> {
            throw new CliException("simulate: PENDING");
        };
    }
}
