// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.io.IOException;
import java.util.Objects;

/** What reading one container's state file gave. */
public sealed interface ReadOutcome {
    /**
     * The state file was read whole and decoded.
     *
     * @param state the container state
     * @param stat the state file's stat, taken while the lock was held (or, lock-less, before the read)
     * @param confirmsPeek true if the bytes read under the lock are those of the
     *     {@linkplain StateReader.Peek peek} the read was given, so that work done from the peek
     *     stands; {@code state} is then the peek's
     */
    record Loaded(ContainerState state, FileStat stat, boolean confirmsPeek) implements ReadOutcome {
        /** Requires the state and the stat. */
        public Loaded {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(stat, "stat");
        }

        /**
         * A state read with no peek to confirm.
         *
         * @param state the container state
         * @param stat the state file's stat
         */
        public Loaded(ContainerState state, FileStat stat) {
            this(state, stat, false);
        }
    }

    /**
     * Someone holds the container's lock (or, lock-less, the file changed while being read): retry
     * on the next cycle; this is not an error and nothing should be recorded.
     */
    record Locked() implements ReadOutcome {}

    /** The lock or state file does not exist: the container was deleted (or never finished creation). */
    record Gone() implements ReadOutcome {}

    /**
     * The file exists but cannot be used.
     *
     * @param error what went wrong; the message names the file
     */
    record Failed(IOException error) implements ReadOutcome {
        /** Requires the error. */
        public Failed {
            Objects.requireNonNull(error, "error");
        }
    }
}
