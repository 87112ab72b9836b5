// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

/** Entry point of the runsc-metrics launcher. */
public final class Main {
    private Main() {}

    /**
     * Runs the command line and exits with its status.
     *
     * @param args the command line
     */
    public static void main(String... args) {
        System.out.println("runsc-metrics");
    }
}
