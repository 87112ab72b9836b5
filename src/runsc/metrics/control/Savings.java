// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

/**
 * The outcome of {@code containerManager.GetSavings}: the time a restored sandbox saved, or the
 * sandbox's answer that it has no such method (runsc builds before 2025).
 */
public sealed interface Savings permits Savings.Known, Savings.Unsupported {

    /**
     * The saved times, in nanoseconds as the sandbox sends them (Go durations).
     *
     * @param cpuTimeSavedNanos  {@code CPUTimeSaved}
     * @param wallTimeSavedNanos {@code WallTimeSaved}
     */
    record Known(long cpuTimeSavedNanos, long wallTimeSavedNanos) implements Savings { }

    /** The sandbox answered "unknown method". */
    record Unsupported() implements Savings { }
}
