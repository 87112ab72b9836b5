// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * Signal actions the process inherited. A daemon started as a background job of a shell
 * ({@code runsc-metrics metric-server &} in a script) inherits SIGINT ignored, and the JVM installs
 * no handler for an ignored SIGINT or SIGTERM, so the command would not stop on them. Upstream's
 * {@code signal.Notify} takes an ignored signal back; this class lets the commands do the same
 * before they install their handlers.
 */
public final class InheritedSignals {
    /** SIGINT's number, the same on every Linux architecture. */
    public static final int SIGINT = 2;
    /** SIGTERM's number, the same on every Linux architecture. */
    public static final int SIGTERM = 15;

    private InheritedSignals() {}

    /**
     * Gives each of {@code signals} its default action where it was inherited as ignored.
     *
     * @param signals signal numbers
     * @return the numbers that were ignored and now have their default action
     * @throws IllegalStateException if the kernel refuses to read or change an action
     */
    public static List<Integer> restoreIgnored(int... signals) {
        List<Integer> restored = new ArrayList<>();
        for (int signal : signals) {
            Posix.Result r = Posix.restoreIfIgnored(signal);
            if (r.failed()) {
                throw new IllegalStateException("cannot restore the action of signal " + signal + ": "
                        + Posix.describe(r.errno()));
            }
            if (r.value() == 1) {
                restored.add(signal);
            }
        }
        return restored;
    }
}
