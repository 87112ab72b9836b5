// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

/** {@code export-metrics}. */
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
        return invocation -> {
            throw new CliException("export-metrics: PENDING");
        };
    }
}
