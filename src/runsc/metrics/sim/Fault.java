// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import java.util.Objects;

/**
 * How a simulated sandbox misbehaves on {@code Metrics.Export} (other methods answer normally,
 * except under {@link Kind#STALL}, {@link Kind#GARBAGE}, {@link Kind#CLOSE} and {@link Kind#DEAD},
 * which affect every request).
 *
 * @param kind   the fault
 * @param millis the delay of {@link Kind#SLOW}; 0 for the others
 */
public record Fault(Kind kind, long millis) {

    /** No fault: the sandbox behaves like a healthy one. */
    public static final Fault NONE = new Fault(Kind.NONE, 0);

    /** The fault kinds, with the names {@link #parse(String)} accepts. */
    public enum Kind {
        /** Healthy. */
        NONE,
        /** Reads requests and never replies (the connection stays open). */
        STALL,
        /** Replies after {@code millis} milliseconds. */
        SLOW,
        /** Replies with bytes that are not JSON, then keeps the connection open. */
        GARBAGE,
        /** Sends the first 10 bytes of the real reply, then closes the connection. */
        CLOSE,
        /** Streams a reply of {@link SimulatedSandbox#HUGE_REPLY_BYTES} bytes. */
        HUGE,
        /** A counter ({@code fs_opens}) goes down on every call after the first. */
        REGRESS,
        /**
         * The state file says running but names the pid of a process that has exited, and the
         * control socket file is left behind unbound (connecting is refused), as after a SIGKILL.
         */
        DEAD
    }

    /** Checks the delay: positive for {@link Kind#SLOW}, zero otherwise. */
    public Fault {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.SLOW ? millis <= 0 : millis != 0) {
            throw new IllegalArgumentException("fault " + kind + ": delay must be "
                    + (kind == Kind.SLOW ? "positive" : "0") + ", was " + millis);
        }
    }

    /**
     * Parses {@code none}, {@code stall}, {@code slow:MS}, {@code garbage}, {@code close},
     * {@code huge}, {@code regress} or {@code dead}.
     *
     * @param text the fault text
     * @return the fault
     * @throws IllegalArgumentException if the text names no fault or the delay is not a positive
     *                                  integer
     */
    public static Fault parse(String text) {
        if (text.startsWith("slow:")) {
            String ms = text.substring(5);
            try {
                return new Fault(Kind.SLOW, Long.parseLong(ms));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid fault '" + text
                        + "': slow needs a delay in milliseconds, as in slow:500", e);
            }
        }
        return switch (text) {
            case "none" -> NONE;
            case "stall" -> new Fault(Kind.STALL, 0);
            case "garbage" -> new Fault(Kind.GARBAGE, 0);
            case "close" -> new Fault(Kind.CLOSE, 0);
            case "huge" -> new Fault(Kind.HUGE, 0);
            case "regress" -> new Fault(Kind.REGRESS, 0);
            case "dead" -> new Fault(Kind.DEAD, 0);
            default -> throw new IllegalArgumentException("invalid fault '" + text
                    + "': must be one of none, stall, slow:MS, garbage, close, huge, regress, dead");
        };
    }

    @Override
    public String toString() {
        return kind == Kind.SLOW ? "slow:" + millis : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
