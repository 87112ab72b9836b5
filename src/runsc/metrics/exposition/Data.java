// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.util.Map;
import java.util.Objects;

/**
 * One data point of a snapshot: a metric definition, its label values and exactly one value.
 *
 * <p>Label maps keep their iteration order (the writer sorts keys bytewise itself). A point with
 * both or neither value cannot be built: whoever decodes a sandbox reply reports that as an
 * error (upstream's verifier text is {@code invalid number of value fields specified: N}).
 *
 * @param metric the metric definition
 * @param labels the field values (sandbox side {@code labels}), may be empty
 * @param externalLabels the sandbox's {@code external_labels}; the writer merges them, the
 *     verifier rejects any
 * @param number the value of an untyped, gauge or counter point, or null for a histogram
 * @param histogram the value of a histogram point, or null
 */
public record Data(Metric metric, Map<String, String> labels, Map<String, String> externalLabels,
                   NumberValue number, Histogram histogram) {
    /** Checks that exactly one value is present and copies the label maps. */
    public Data {
        Objects.requireNonNull(metric, "metric");
        labels = LabelMap.copyOf(labels, "label");
        externalLabels = LabelMap.copyOf(externalLabels, "external label");
        if ((number == null) == (histogram == null)) {
            throw new IllegalArgumentException("metric " + metric.name()
                    + ": exactly one of number and histogram must be given");
        }
    }

    /**
     * {@return a data point with a number value and no external labels}
     *
     * @param metric the metric definition
     * @param labels the field values
     * @param number the value
     */
    public static Data ofNumber(Metric metric, Map<String, String> labels, NumberValue number) {
        return new Data(metric, labels, Map.of(), Objects.requireNonNull(number, "number"), null);
    }

    /**
     * {@return a data point with a histogram value and no external labels}
     *
     * @param metric the metric definition
     * @param labels the field values
     * @param histogram the value
     */
    public static Data ofHistogram(Metric metric, Map<String, String> labels, Histogram histogram) {
        return new Data(metric, labels, Map.of(), null, Objects.requireNonNull(histogram, "histogram"));
    }
}
