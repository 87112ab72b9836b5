// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

/** {@code metric-server}. */
final class MetricServerCommand implements Command {
    @Override
    public String name() {
        return "metric-server";
    }

    @Override
    public String synopsis() {
        return "metric-server [-exporter-prefix=<runsc_>] [-pid-file=<path>] [-allow-unknown-root] - serves metrics of all sandboxes in --root over HTTP on --metric-server";
    }

    @Override
    public String summary() {
        return "serves metrics of every sandbox in the root directory over HTTP";
    }

    @Override
    public Action define(FlagSet flags) {
        FlagSet.Flag<String> prefix = flags.string("exporter-prefix", "runsc_",
                "Prefix for all metric names, following Prometheus exporter convention");
        FlagSet.Flag<String> pidFile = flags.string("pid-file", "",
                "If set, write the metric server's own PID to this file after binding to the --metric-server address. "
                        + "The parent directory of this file must already exist.");
        FlagSet.Flag<Boolean> allowUnknownRoot = flags.bool("allow-unknown-root",
                "if set, the metric server will keep running regardless of the existence of --root "
                        + "or the metric server's ability to access it.");
        FlagSet.Flag<Boolean> allowProfiling = flags.bool("allow-profiling",
                "Accepted for compatibility with runsc; the profiling endpoints are not provided.");
        FlagSet.Flag<Integer> parallel = flags.integer("max-parallel", 8,
                "How many sandboxes to query at once during a scrape.");
        return invocation -> {
            throw new CliException("metric-server: PENDING");
        };
    }
}
