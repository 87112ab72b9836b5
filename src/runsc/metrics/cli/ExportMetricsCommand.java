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
final class ExportMetricsCommand {
    /** The command: what help says of it, and its flags. */
    static final Command COMMAND = new Command("export-metrics",
            "export-metrics [-exporter-prefix=<runsc_>] <container id> - prints sandbox metric data in Prometheus metric format",
            "prints one metric snapshot of a sandbox to stdout", ExportMetricsCommand::define);

    private ExportMetricsCommand() {
    }

    private static Command.Action define(FlagSet flags) {
        FlagSet.Flag<String> prefix = MetricServerCommand.exporterPrefix(flags);
        FlagSet.Flag<String> filter = flags.string("sandbox-metrics-filter", "",
                "If set, filter exported metrics using the specified regular expression. "
                        + "This filtering is applied before adding --exporter-prefix.");
        FlagSet.Flag<Boolean> noTimestamps = flags.bool("no-timestamps",
                "Leave out sample timestamps, as node_exporter's textfile collector requires.");
        FlagSet.Flag<Boolean> resourceStats = MetricServerCommand.resourceStats(flags);
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
