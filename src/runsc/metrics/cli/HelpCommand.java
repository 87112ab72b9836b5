// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

/** {@code help [SUBCOMMAND]}: the top-level usage, or one subcommand's, on stdout. */
final class HelpCommand {
    /** The command: what help says of it, and its flags. */
    static final Command COMMAND = new Command("help",
            "help [<subcommand>] - prints the usage of runsc-metrics or of one subcommand",
            "prints this text, or the flags of one subcommand", HelpCommand::define);

    private HelpCommand() {
    }

    private static Command.Action define(FlagSet flags) {
        return invocation -> {
            var args = invocation.arguments();
            if (args.isEmpty()) {
                invocation.out().print(Cli.topUsage());
                return Cli.EXIT_OK;
            }
            if (args.size() > 1) {
                throw new UsageException("help takes at most one subcommand, got " + args.size() + " arguments");
            }
            Command command = Cli.find(args.getFirst())
                    .orElseThrow(() -> new UsageException("unknown subcommand \"" + args.getFirst() + "\""));
            invocation.out().print(Cli.commandUsage(command));
            return Cli.EXIT_OK;
        };
    }
}
