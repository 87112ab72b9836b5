// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

/** Entry point of the runsc-metrics launcher: everything else is {@link Cli#run}, testable in-process. */
public final class Main {
    private Main() {}

    /**
     * Runs the command line and exits with its status.
     *
     * @param args the command line
     */
    public static void main(String... args) {
        System.exit(run(args));
    }

    /** Runs one command line on the process's streams; {@link AotTraining} runs several in one JVM. */
    static int run(String... args) {
        int status = new Cli(System.out, System.err, System.getenv()).run(args);
        System.out.flush();
        return status;
    }
}
