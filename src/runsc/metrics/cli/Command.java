// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import java.util.Objects;

/**
 * A subcommand: what the usage texts say of it and how it defines its flags. The set is closed:
 * {@link Cli#COMMANDS} lists every one, in the order help shows them. Each command defines its flags
 * on a fresh {@link FlagSet}, so the usage text printed on errors, the text of {@code help} and the
 * checks against the man page all come from the same definitions.
 *
 * @param name       the word on the command line, such as {@code export-metrics}
 * @param synopsis   the first usage line, in runsc's style: {@code name [flags] args - what it does}
 * @param summary    a few words for the subcommand list of the top-level usage
 * @param definition defines the flags and returns the action
 */
record Command(String name, String synopsis, String summary, Definition definition) {
    /** Requires every component. */
    Command {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(synopsis, "synopsis");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(definition, "definition");
    }

    /**
     * Defines the command's flags and returns what will run once they are parsed.
     *
     * @param flags an empty flag set named after the command
     * @return the action, reading the parsed flags it captured
     */
    Action define(FlagSet flags) {
        return definition.define(flags);
    }

    /** How a command defines its flags. */
    @FunctionalInterface
    interface Definition {
        /**
         * Defines the flags on {@code flags}.
         *
         * @param flags an empty flag set named after the command
         * @return the action, reading the parsed flags it captured
         */
        Action define(FlagSet flags);
    }

    /** What a command does once its flags are parsed. */
    @FunctionalInterface
    interface Action {
        /**
         * Runs the command.
         *
         * @param invocation globals, streams and the arguments left after the flags
         * @return the exit status (0 on success)
         * @throws UsageException if the arguments are wrong
         * @throws CliException   if the command fails
         * @throws InterruptedException if interrupted while waiting
         */
        int run(Invocation invocation) throws UsageException, CliException, InterruptedException;
    }
}
