// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.util.Objects;

/**
 * One histogram bucket as a sandbox sends it.
 *
 * @param upperBound the upper bound ({@code le}); the last bucket's is the float +Inf
 * @param samples the number of samples in this bucket alone (not cumulative), an unsigned 64-bit
 *     count
 */
public record Bucket(NumberValue upperBound, long samples) {
    /** Checks that the bound is present. */
    public Bucket {
        Objects.requireNonNull(upperBound, "upperBound");
    }
}
