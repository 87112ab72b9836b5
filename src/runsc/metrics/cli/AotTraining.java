// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The training run of the image's AOT cache (scripts/aot-train.sh), not a user command: it runs
 * several command lines, separated by {@code --}, one after the other in this one JVM, e.g.
 * {@code --root=R export-metrics sim-1 -- demo --metric-server=S}.
 *
 * <p>The JDK writes one AOT cache per training process, from the classes that process loaded and
 * linked; one cache for every command of the image therefore needs one process that runs them
 * all. It must be a class of this module, started with the launcher's module options, or the
 * cache would not match the image's runs. It stops at the first command line that fails, with
 * its status, so that a broken training fails the build.
 */
public final class AotTraining {
    private AotTraining() {}

    /**
     * Runs each {@code --}-separated command line as the launcher does and exits with the
     * status of the last one run.
     *
     * @param args command lines separated by {@code --}
     */
    public static void main(String... args) {
        int status = Cli.EXIT_OK;
        for (List<String> line : split(args)) {
            // Through Main, as the launcher runs it, so that the cache holds Main too.
            status = Main.run(line.toArray(String[]::new));
            if (status != Cli.EXIT_OK) {
                System.err.println("aot-training: " + line + " exited with status " + status);
                break;
            }
        }
        System.exit(status);
    }

    static List<List<String>> split(String... args) {
        List<List<String>> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= args.length; i++) {
            if (i == args.length || args[i].equals("--")) {
                lines.add(List.copyOf(Arrays.asList(args).subList(start, i)));
                start = i + 1;
            }
        }
        return lines;
    }
}
