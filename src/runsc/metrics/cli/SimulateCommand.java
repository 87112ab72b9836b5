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
        return "simulate";
    }

    @Override
    public String summary() {
        return "simulate";
    }

    @Override
    public Action define(FlagSet flags) {
        return invocation -> {
            throw new CliException("simulate: PENDING");
        };
    }
}
