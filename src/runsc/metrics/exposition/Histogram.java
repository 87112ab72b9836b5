// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.util.List;
import java.util.Objects;

/**
 * A histogram value: the sum of samples, the smallest and largest sample, the sum of squared
 * deviations from the mean, and the per-bucket counts.
 *
 * @param total the sum of all samples (written as {@code _sum})
 * @param min the smallest sample
 * @param max the largest sample
 * @param ssd the sum of squared deviations
 * @param buckets the buckets in ascending bound order
 */
public record Histogram(NumberValue total, NumberValue min, NumberValue max, NumberValue ssd, List<Bucket> buckets) {
    /** Checks for nulls and copies the bucket list. */
    public Histogram {
        Objects.requireNonNull(total, "total");
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(ssd, "ssd");
        buckets = List.copyOf(buckets);
    }

    /** {@return the number of samples, the unsigned sum of every bucket's count (wrapping as uint64)} */
    public long count() {
        long count = 0;
        for (Bucket b : buckets) {
            count += b.samples();
        }
        return count;
    }
}
