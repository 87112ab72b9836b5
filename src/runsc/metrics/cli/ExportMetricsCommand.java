// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import runsc.metrics.server.ExportException;
import runsc.metrics.server.OneShotExport;

/**
 * {@code export-metrics}: one snapshot of the sandbox holding a container, on stdout, with the bytes
 * {@code runsc export-metrics} prints, except that the {@code Wrote N bytes} line goes to stderr so
 * that stdout is a valid exposition file. The work is {@link OneShotExport}'s; this class maps flags
 * to it and its outcome to output and an exit status.
 */
final class ExportMetricsCommand implements Command {
    @Override
    public String name() {
        return "export-metrics";
    }

    @Override
    public String synopsis() {
        return "export-metrics [-exporter-prefix=<runsc_>] <container id> - prints sandbox metric data in Prometheus metric format";
    }

    @Override
    public String summary() {
        return "prints one metric snapshot of a sandbox to stdout";
    }

    @Override
    public Action define(FlagSet flags) {
        FlagSet.Flag<String> prefix = flags.string("exporter-prefix", "runsc_",
                "Prefix for all metric names, following Prometheus exporter convention");
        FlagSet.Flag<String> filter = flags.string("sandbox-metrics-filter", "",
                "If set, filter exported metrics using the specified regular expression. "
                        + "This filtering is applied before adding --exporter-prefix.");
        FlagSet.Flag<Boolean> noTimestamps = flags.bool("no-timestamps",
                "Leave out sample timestamps, as node_exporter's textfile collector requires.");
        FlagSet.Flag<Boolean> resourceStats = flags.bool("resource-stats", MetricServerCommand.RESOURCE_STATS_HELP);
        return invocation -> {
            if (invocation.arguments().isEmpty()) {
                throw new UsageException("export-metrics: missing the container ID");
            }
            if (invocation.arguments().size() > 1) {
                // runsc 20240729 exports the first and ignores the rest, which hides a mistyped command.
                throw new UsageException("export-metrics takes one container ID, got " + invocation.arguments().size()
                        + " arguments: " + String.join(" ", invocation.arguments()));
            }
            var request = new OneShotExport.Request(invocation.globals().root(), invocation.arguments().getFirst(),
                    prefix.get(), filter.get(), !noTimestamps.get(), resourceStats.get());
            return print(invocation, request);
        };
    }

    private static int print(Invocation invocation, OneShotExport.Request request)
            throws CliException, InterruptedException {
        byte[] output;
        try {
            output = OneShotExport.run(request, invocation.log());
        } catch (ExportException e) {
            throw new CliException(e.getMessage(), e);
        }
        invocation.out().write(output, 0, output.length);
        if (invocation.out().checkError()) {
            throw new CliException("Cannot write metrics to stdout: write error");
        }
        invocation.err().println("Wrote " + output.length + " bytes of Prometheus metric data to stdout");
        return Cli.EXIT_OK;
    }
}
