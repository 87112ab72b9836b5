// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import runsc.metrics.gotext.GoText;

/**
 * What the lines of one write share, encoded once per write into one reused array: each
 * snapshot's timestamp text ({@code " <millis>\n"}, or {@code "\n"}) and its extra labels, sorted
 * bytewise by key and encoded as {@code k="v",...}. Then, per data point, the label text of its
 * lines: a point with no labels of its own (the common case) uses its snapshot's encoded text as it
 * is; the others have their labels sorted and merged with the snapshot's encoded pairs into a
 * reused scratch buffer, once for all of the point's lines. An instance is not thread-safe.
 */
final class SnapshotText {
    private final BiConsumer<String, String> labelAdder = this::addLabel;

    // Timestamp and extra-label text of every snapshot, one after the other: snapshot s has its
    // timestamp text at [marks[2s], marks[2s + 1]) and its extra labels at [marks[2s + 1], marks[2s + 2]).
    private byte[] text = new byte[4096];
    private int textLength;
    private int[] marks = new int[33];
    // Per snapshot s: the index of its first extra label in the pair arrays (pairs[s + 1] ends them).
    private int[] pairs = new int[17];

    // Per extra label of every snapshot, sorted within a snapshot: key, and where its k="v" is in text.
    private String[] pairKeys = new String[64];
    private int[] pairStart = new int[64];
    private int[] pairEnd = new int[64];
    private int pairCount;

    // Labels of a point that has data or external labels, merged with its snapshot's extra labels.
    private byte[] merged = new byte[256];
    private String[] labelKeys = new String[8];
    private String[] labelValues = new String[8];
    private int labelCount;

    // The label text of the point selected last: a range of text or of merged.
    private byte[] lineLabels;
    private int lineLabelsOffset;
    private int lineLabelsLength;

    /**
     * Encodes the timestamp and extra-label text of every snapshot.
     *
     * @return the number of data points of all snapshots
     */
    int encode(List<LabeledSnapshot> snapshots, boolean timestamps) {
        return encode(snapshots, timestamps, false);
    }

    /**
     * Encodes the timestamp and extra-label text of every snapshot, the timestamps in Unix
     * milliseconds (the text format) or, with {@code seconds}, in seconds with three decimals
     * (OpenMetrics).
     *
     * @return the number of data points of all snapshots
     */
    int encode(List<LabeledSnapshot> snapshots, boolean timestamps, boolean seconds) {
        textLength = 0;
        pairCount = 0;
        int count = snapshots.size();
        if (pairs.length < count + 1) {
            int size = Math.max(count, pairs.length * 2);
            marks = new int[2 * size + 1];
            pairs = new int[size + 1];
        }
        int n = 0;
        marks[0] = 0;
        for (int s = 0; s < count; s++) {
            LabeledSnapshot e = snapshots.get(s);
            n += e.snapshot().data().size();
            reserve(7 + TextEncoding.MAX_LONG_LENGTH);
            if (timestamps) {
                text[textLength++] = ' ';
                long millis = unixMillis(e.snapshot());
                if (seconds) {
                    putSeconds(millis);
                } else {
                    textLength = TextEncoding.putLong(millis, text, textLength);
                }
            }
            text[textLength++] = '\n';
            marks[2 * s + 1] = textLength;
            pairs[s] = pairCount;
            encodeExtraLabels(e.options().extraLabels());
            marks[2 * s + 2] = textLength;
        }
        pairs[count] = pairCount;
        return n;
    }

    /** Writes what ends each line of snapshot {@code s}: its timestamp text (if any) and LF. */
    void writeTime(TextBuffer out, int s) throws IOException {
        out.writeBytes(text, marks[2 * s], marks[2 * s + 1] - marks[2 * s]);
    }

    /**
     * Selects the label text of point {@code d} of snapshot {@code s}, for {@link #writeLabels}.
     * {@link ExpositionWriter#check} has ruled out duplicates, empty keys and {@code le}.
     */
    void selectLabels(Data d, int s) {
        if (d.labels().isEmpty() && d.externalLabels().isEmpty()) {
            lineLabels = text;
            lineLabelsOffset = marks[2 * s + 1];
            lineLabelsLength = marks[2 * s + 2] - lineLabelsOffset;
            return;
        }
        labelCount = 0;
        addLabels(d.labels());
        addLabels(d.externalLabels());
        sortLabels();
        int p = mergeLabels(pairs[s], pairs[s + 1]);
        clearLabels();
        lineLabels = merged;
        lineLabelsOffset = 0;
        lineLabelsLength = p;
    }

    /** {@return whether the selected label text is empty: the point and its snapshot have no labels} */
    boolean noLabels() {
        return lineLabelsLength == 0;
    }

    /** Writes the selected label text, {@code k="v",...} without braces. */
    void writeLabels(TextBuffer out) throws IOException {
        out.writeBytes(lineLabels, lineLabelsOffset, lineLabelsLength);
    }

    /** Writes the selected label text in braces, if there is any, and then the space before the value. */
    void writeLabelsAndSpace(TextBuffer out) throws IOException {
        if (!noLabels()) {
            out.writeByte('{');
            writeLabels(out);
            out.writeByte('}');
        }
        out.writeByte(' ');
    }

    /** Drops references, so that the scratch arrays do not keep the snapshots alive. */
    void release() {
        lineLabels = null;
        Arrays.fill(pairKeys, 0, pairCount, null);
    }

    /** Appends Unix milliseconds as seconds with exactly three decimals: {@code -1500} is {@code -1.500}. */
    private void putSeconds(long millis) {
        if (millis < 0) {
            text[textLength++] = '-';
        }
        // The magnitude as unsigned, so that Long.MIN_VALUE milliseconds print right too.
        long magnitude = millis < 0 ? -millis : millis;
        long whole = Long.divideUnsigned(magnitude, 1000);
        int fraction = (int) Long.remainderUnsigned(magnitude, 1000);
        textLength = TextEncoding.putLong(whole, text, textLength);
        text[textLength++] = '.';
        text[textLength++] = (byte) ('0' + fraction / 100);
        text[textLength++] = (byte) ('0' + fraction / 10 % 10);
        text[textLength++] = (byte) ('0' + fraction % 10);
    }

    /** Go's {@code UnixMilli}: seconds times 1000 plus whole milliseconds of the (non-negative) nanos. */
    private static long unixMillis(Snapshot snapshot) {
        return snapshot.when().getEpochSecond() * 1000 + snapshot.when().getNano() / 1_000_000;
    }

    /**
     * Appends one snapshot's extra labels to the pair arrays sorted bytewise by key, and their text
     * {@code k="v",...} to {@link #text}, recording where each {@code k="v"} starts and ends.
     */
    private void encodeExtraLabels(Map<String, String> extra) {
        int first = pairCount;
        labelCount = 0;
        addLabels(extra);
        sortLabels();
        if (pairKeys.length < first + labelCount) {
            int size = Math.max(first + labelCount, pairKeys.length * 2);
            pairKeys = Arrays.copyOf(pairKeys, size);
            pairStart = Arrays.copyOf(pairStart, size);
            pairEnd = Arrays.copyOf(pairEnd, size);
        }
        for (int i = 0; i < labelCount; i++) {
            String k = labelKeys[i];
            String v = labelValues[i];
            reserve(1 + TextEncoding.pairBound(k, v)); // the comma and the pair
            if (i > 0) {
                text[textLength++] = ',';
            }
            pairKeys[pairCount] = k;
            pairStart[pairCount] = textLength;
            textLength = TextEncoding.encodePair(k, v, text, textLength);
            pairEnd[pairCount++] = textLength;
        }
        clearLabels();
    }

    /** Makes room for {@code n} more bytes in {@link #text}. */
    private void reserve(int n) {
        if (textLength + n > text.length) {
            text = Arrays.copyOf(text, Math.max(textLength + n, text.length * 2));
        }
    }

    /**
     * Merges the sorted point labels in {@code labelKeys} with the extra labels {@code [from, to)}
     * of the pair arrays into {@link #merged}, encoding the former and copying the encoded text of
     * the latter; returns the length.
     */
    private int mergeLabels(int from, int to) {
        int p = 0;
        int i = 0;
        int j = from;
        while (i < labelCount || j < to) {
            boolean own = j == to || i < labelCount && GoText.compareBytewise(labelKeys[i], pairKeys[j]) < 0;
            int need = p + 1 + (own ? TextEncoding.pairBound(labelKeys[i], labelValues[i]) : pairEnd[j] - pairStart[j]);
            if (need > merged.length) {
                merged = Arrays.copyOf(merged, Math.max(need, merged.length * 2));
            }
            if (p > 0) {
                merged[p++] = ',';
            }
            if (own) {
                p = TextEncoding.encodePair(labelKeys[i], labelValues[i], merged, p);
                i++;
            } else {
                System.arraycopy(text, pairStart[j], merged, p, pairEnd[j] - pairStart[j]);
                p += pairEnd[j] - pairStart[j];
                j++;
            }
        }
        return p;
    }

    /** Sorts the collected labels by key, bytewise; there are few, so insertion sort. */
    private void sortLabels() {
        for (int i = 1; i < labelCount; i++) {
            String k = labelKeys[i];
            String v = labelValues[i];
            int j = i - 1;
            while (j >= 0 && GoText.compareBytewise(labelKeys[j], k) > 0) {
                labelKeys[j + 1] = labelKeys[j];
                labelValues[j + 1] = labelValues[j];
                j--;
            }
            labelKeys[j + 1] = k;
            labelValues[j + 1] = v;
        }
    }

    private void addLabels(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return;
        }
        if (labelCount + labels.size() > labelKeys.length) {
            int size = Math.max(labelCount + labels.size(), labelKeys.length * 2);
            labelKeys = Arrays.copyOf(labelKeys, size);
            labelValues = Arrays.copyOf(labelValues, size);
        }
        // forEach, not entrySet(): an unmodifiable map wraps every entry it iterates in a new object.
        labels.forEach(labelAdder);
    }

    private void addLabel(String key, String value) {
        labelKeys[labelCount] = key;
        labelValues[labelCount] = value;
        labelCount++;
    }

    /** Drops references so that the scratch arrays do not keep old snapshots alive. */
    private void clearLabels() {
        Arrays.fill(labelKeys, 0, labelCount, null);
        Arrays.fill(labelValues, 0, labelCount, null);
    }
}
