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
        return "export-metrics";
    }

    @Override
    public String summary() {
        return "export-metrics";
    }

    @Override
    public Action define(FlagSet flags) {
        return invocation -> {
            throw new CliException("export-metrics: PENDING");
        };
    }
}
