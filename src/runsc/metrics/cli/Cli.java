// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command line: global flags, then a subcommand and its flags and arguments, as in runsc.
 *
 * <p>This is the only place where outcomes become exit statuses: 0 for success; 128 for a usage error
 * (message and usage on stderr), for a failed command (message on stderr) and for an unexpected
 * internal error (message and stack trace on stderr), as runsc exits 128 for every failure.
 */
public final class Cli {
    /** Exit status for success. */
    public static final int EXIT_OK = 0;
    /** Exit status for every failure, as runsc. */
    public static final int EXIT_FAILURE = 128;

    /** Every subcommand, in the order help lists them. */
    static final List<Command> COMMANDS = List.of(
            ExportMetricsCommand.COMMAND, MetricServerCommand.COMMAND, SimulateCommand.COMMAND, DemoCommand.COMMAND,
            HelpCommand.COMMAND);

    private static final String TOOL = "runsc-metrics";

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    /**
     * Creates a command line bound to the given streams and environment.
     *
     * @param out standard output (not closed)
     * @param err standard error (not closed)
     * @param env the environment, for {@code XDG_RUNTIME_DIR}
     */
    public Cli(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = Map.copyOf(env);
    }

    /**
     * Runs one command line to completion.
     *
     * @param args the arguments, without the program name
     * @return the exit status
     */
    public int run(String... args) {
        GlobalFlags globals = new GlobalFlags();
        Command command = null;
        FlagSet commandFlags = null;
        try (DebugLogHolder log = new DebugLogHolder()) {
            List<String> rest = globals.flags.parse(Arrays.asList(args));
            if (globals.version.get()) {
                out.println(TOOL + " version " + version());
                out.println("java: " + Runtime.version());
                return EXIT_OK;
            }
            if (rest.isEmpty()) {
                throw new UsageException("no subcommand given");
            }
            command = find(rest.getFirst()).orElseThrow(() -> new UsageException("unknown subcommand \"" + rest.getFirst() + "\""));
            commandFlags = new FlagSet(command.name());
            Command.Action action = command.define(commandFlags);
            List<String> arguments = commandFlags.parse(rest.subList(1, rest.size()));
            Invocation invocation = new Invocation(globals.resolve(env), arguments, out, err, log.open(globals));
            return action.run(invocation);
        } catch (HelpRequested e) {
            out.print(command == null ? topUsage(globals.flags) : commandUsage(command, commandFlags));
            return EXIT_OK;
        } catch (UsageException e) {
            if (!e.getMessage().isEmpty()) {
                err.println(e.getMessage());
            }
            err.print(command == null ? topUsage(globals.flags) : commandUsage(command, commandFlags));
            return EXIT_FAILURE;
        } catch (CliException e) {
            err.println(e.getMessage());
            return EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println(TOOL + ": interrupted");
            return EXIT_FAILURE;
        } catch (RuntimeException | Error e) {
            err.println(TOOL + ": internal error: " + e);
            e.printStackTrace(err);
            return EXIT_FAILURE;
        }
    }

    static Optional<Command> find(String name) {
        return COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** The usage of one subcommand: its synopsis line, then its flags in Go's format. */
    static String commandUsage(Command command, FlagSet flags) {
        StringBuilder sb = new StringBuilder(command.synopsis()).append('\n');
        flags.printDefaults(sb);
        return sb.toString();
    }

    /** The usage of one subcommand by name, with freshly defined flags. */
    static String commandUsage(Command command) {
        FlagSet flags = new FlagSet(command.name());
        command.define(flags);
        return commandUsage(command, flags);
    }

    /** The top-level usage: synopsis, subcommands, global flags. */
    static String topUsage(FlagSet globalFlags) {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: ").append(TOOL).append(" <global flags> <subcommand> <subcommand flags> <subcommand args>\n\n");
        sb.append("gVisor sandbox metrics in Prometheus text format, compatible with runsc metric-server and\n");
        sb.append("runsc export-metrics. Global flags go before the subcommand, its own flags after it.\n\n");
        sb.append("Subcommands:\n");
        for (Command c : COMMANDS) {
            sb.append(String.format("  %-16s %s%n", c.name(), c.summary()));
        }
        sb.append("\nGlobal flags:\n");
        globalFlags.printDefaults(sb);
        sb.append("\nRun '").append(TOOL).append(" help <subcommand>' for a subcommand's flags; see runsc-metrics(1).\n");
        return sb.toString();
    }

    static String topUsage() {
        return topUsage(new GlobalFlags().flags);
    }

    /** The version written into the jar at build time, such as {@code 0.1.0+3f2a9c1b0d4e}. */
    static String version() {
        try (InputStream in = Cli.class.getResourceAsStream("version.txt")) {
            if (in != null) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
        } catch (IOException e) {
            // fall through: a missing version must not stop the tool
        }
        return "unknown";
    }

    /** The global flags, defined once here for parsing, help and the man-page check. */
    static final class GlobalFlags {
        final FlagSet flags = new FlagSet(TOOL);
        final FlagSet.Flag<String> root = flags.string("root", "",
                "root directory of the runsc state files (default $XDG_RUNTIME_DIR/runsc, else /var/run/runsc)");
        final FlagSet.Flag<String> metricServer = flags.string("metric-server", "",
                "address of the metric server: an absolute path for a Unix socket, else [host]:port;\n"
                        + "%RUNTIME_ROOT% is replaced by the root directory");
        final FlagSet.Flag<Boolean> debug = flags.bool("debug", "log one line per event to stderr");
        final FlagSet.Flag<String> debugLog = flags.string("debug-log", "", "log one line per event to this file (implies --debug)");
        final FlagSet.Flag<Boolean> version = flags.bool("version", "print the version and exit");

        Invocation.Globals resolve(Map<String, String> env) {
            String rootText = root.get();
            if (rootText.isEmpty()) {
                String xdg = env.getOrDefault("XDG_RUNTIME_DIR", "");
                rootText = xdg.isEmpty() ? "/var/run/runsc" : xdg + "/runsc";
            }
            return new Invocation.Globals(Path.of(rootText), rootText, metricServer.get());
        }
    }

    /** Opens the debug log chosen by the flags and closes a log file at the end of the run. */
    private final class DebugLogHolder implements AutoCloseable {
        private PrintStream file;

        DebugLog open(GlobalFlags globals) throws CliException {
            String path = globals.debugLog.get();
            if (!path.isEmpty()) {
                try {
                    file = new PrintStream(new FileOutputStream(path, true), true, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new CliException("cannot open debug log \"" + path + "\": " + e.getMessage(), e);
                }
                return DebugLog.to(file);
            }
            return globals.debug.get() ? DebugLog.to(err) : DebugLog.off();
        }

        @Override
        public void close() {
            if (file != null) {
                file.close();
            }
        }
    }
}
