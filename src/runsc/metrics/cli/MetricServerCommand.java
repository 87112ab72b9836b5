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
        return "metric-server";
    }

    @Override
    public String summary() {
        return "metric-server";
    }

    @Override
    public Action define(FlagSet flags) {
        return invocation -> {
            throw new CliException("metric-server: PENDING");
        };
    }
}
