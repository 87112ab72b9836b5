// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

/** {@code -h} or {@code -help} was given: print the usage on stdout and exit 0, as Go's flag package does. */
final class HelpRequested extends Exception {
    private static final long serialVersionUID = 1L;

    HelpRequested() {
        super("help requested", null, false, false);
    }
}
