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
        return "demo";
    }

    @Override
    public String summary() {
        return "demo";
    }

    @Override
    public Action define(FlagSet flags) {
        return invocation -> {
            throw new CliException("demo: PENDING");
        };
    }
}
