// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The rules of {@link ExpositionWriter#check}: what the writer refuses because upstream would cut
 * the line off or write a value that does not match the type. The iteration callbacks are reused,
 * so that checking allocates nothing per data point (an unmodifiable map's {@code keySet()}
 * iterator would); messages are built only on failure. An instance is not thread-safe.
 */
final class SnapshotChecker {
    private final BiConsumer<String, String> inExternal = this::findInExternal;
    private final BiConsumer<String, String> inExtra = this::findInExtra;
    private Data point;
    private Map<String, String> extra;
    private String duplicate;
    private String duplicateSource;

    /**
     * Checks every snapshot as it will be written, before anything is.
     *
     * @throws InvalidSnapshotException naming the snapshot's index, the data point and the rule
     */
    void checkAll(List<LabeledSnapshot> snapshots) throws InvalidSnapshotException {
        for (int s = 0; s < snapshots.size(); s++) {
            LabeledSnapshot e = snapshots.get(s);
            try {
                check(e.snapshot(), e.options());
            } catch (InvalidSnapshotException ex) {
                throw new InvalidSnapshotException("snapshot " + s + ": " + ex.getMessage(), ex);
            }
        }
    }

    /**
     * Checks one snapshot as it will be written with {@code options}.
     *
     * @throws InvalidSnapshotException naming the first offending data point and the rule
     */
    void check(Snapshot snapshot, PrefixAndLabels options) throws InvalidSnapshotException {
        String extraProblem = keyProblem(options.extraLabels(), "extra labels");
        if (extraProblem != null) {
            throw new InvalidSnapshotException(extraProblem);
        }
        List<Data> data = snapshot.data();
        for (int i = 0; i < data.size(); i++) {
            Data d = data.get(i);
            int type = d.metric().typeCode();
            if (!MetricType.isKnown(type)) {
                continue; // not written, so not checked
            }
            String problem = null;
            // Most points have no labels of their own, and then only the extra labels (checked above) count.
            if (!d.labels().isEmpty() || !d.externalLabels().isEmpty()) {
                problem = keyProblem(d.labels(), "data labels");
                if (problem == null) {
                    problem = keyProblem(d.externalLabels(), "external labels");
                }
                if (problem == null) {
                    problem = duplicateProblem(d, options.extraLabels());
                }
            }
            boolean histogram = type == MetricType.HISTOGRAM.code();
            if (problem == null && histogram != (d.histogram() != null)) {
                problem = histogram ? "a histogram metric needs a histogram value"
                        : "a " + d.metric().type().orElseThrow().text() + " metric needs a number value";
            }
            if (problem != null) {
                throw new InvalidSnapshotException("data point " + i + " (metric \"" + d.metric().name() + "\"): "
                        + problem);
            }
        }
    }

    private static String keyProblem(Map<String, String> labels, String source) {
        if (labels.containsKey("")) {
            return "empty label key in the " + source;
        }
        if (labels.containsKey("le")) {
            return "label \"le\" in the " + source + " (it is reserved for histogram buckets)";
        }
        return null;
    }

    private String duplicateProblem(Data d, Map<String, String> extraLabels) {
        point = d;
        extra = extraLabels;
        duplicate = null;
        d.externalLabels().forEach(inExternal);
        if (duplicate == null && !extraLabels.isEmpty()) {
            d.labels().forEach(inExtra);
            d.externalLabels().forEach(inExtra);
        }
        point = null;
        extra = null;
        return duplicate == null ? null
                : "label \"" + duplicate + "\" is given twice, by the " + duplicateSource;
    }

    private void findInExternal(String key, String value) {
        if (duplicate == null && point.labels().containsKey(key)) {
            duplicate = key;
            duplicateSource = "data labels and the external labels";
        }
    }

    private void findInExtra(String key, String value) {
        if (duplicate == null && extra.containsKey(key)) {
            duplicate = key;
            duplicateSource = (point.labels().containsKey(key) ? "data labels" : "external labels")
                    + " and the extra labels";
        }
    }
}
