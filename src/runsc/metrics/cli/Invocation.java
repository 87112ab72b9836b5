// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a subcommand gets from the command line and the process: the global options, the
 * arguments left after its flags, and the streams to write to (the caller owns them).
 *
 * @param globals   the global flags, resolved (root directory with its default applied)
 * @param arguments the arguments after the subcommand's flags
 * @param out       standard output
 * @param err       standard error
 * @param log       the debug log (no-op unless --debug or --debug-log)
 */
record Invocation(Globals globals, List<String> arguments, PrintStream out, PrintStream err, DebugLog log) {

    /**
     * The global flags, which come before the subcommand.
     *
     * @param root         the runsc root directory, as given or defaulted (never re-written)
     * @param rootText     the root as the user spelled it, for string comparisons runsc makes
     * @param metricServer the --metric-server address, empty when not given
     */
    record Globals(Path root, String rootText, String metricServer) {}
}
