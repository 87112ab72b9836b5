// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The debug log of {@code --debug} and {@code --debug-log}: one line per event, prefixed with the UTC
 * time, to stderr or a file. Disabled, it costs one branch per event.
 */
final class DebugLog implements Consumer<String> {
    private final PrintStream sink;

    private DebugLog(PrintStream sink) {
        this.sink = sink;
    }

    /** A log that drops everything. */
    static DebugLog off() {
        return new DebugLog(null);
    }

    /** A log that writes to {@code sink}; the caller keeps ownership of the stream. */
    static DebugLog to(PrintStream sink) {
        return new DebugLog(sink);
    }

    boolean enabled() {
        return sink != null;
    }

    @Override
    public void accept(String event) {
        if (sink != null) {
            synchronized (sink) {
                sink.println(Instant.now() + " " + event);
            }
        }
    }
}
