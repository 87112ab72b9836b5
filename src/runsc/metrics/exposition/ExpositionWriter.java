// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Writes snapshots in the Prometheus text format (version 0.0.4) with the exact bytes of gVisor's
 * {@code prometheus.Write}, except where upstream writes invalid text.
 *
 * <h2>Byte layout</h2>
 * <ol>
 *   <li>No snapshots: nothing at all, 0 bytes.</li>
 *   <li>The comment header, if not empty: each LF-separated piece (empty ones included) as
 *       {@code # piece⏎}.</li>
 *   <li>A summary comment: {@code # Writing data from snapshot containing N data points taken at
 *       T.⏎} for one snapshot; for k snapshots {@code # Writing data from k snapshots:⏎} and one
 *       {@code #   - Snapshot with N data points taken at T: map[k:v ...]⏎} per snapshot. N counts
 *       every data point, T is Go's time text ({@link GoText#formatTime}), the map is the snapshot's
 *       extra labels ({@link GoText#formatMap}), unescaped except that an LF is written as
 *       {@code \n} so that the comment stays one line.</li>
 *   <li>{@code ⏎}.</li>
 *   <li>The data, grouped by prefixed name: group names ({@code prefix + name}) sorted bytewise over
 *       UTF-8 (Go's string order, not {@link String#compareTo}); within a group, snapshots in input
 *       order and data points in snapshot order. Lines of one family stay contiguous.</li>
 *   <li>{@code ⏎# End of metric data.⏎}</li>
 * </ol>
 *
 * <p>Before each line, if the metric's <em>unprefixed</em> name is not yet in the
 * {@code metricsWritten} set, the preamble {@code ⏎}, {@code # HELP prefix+name help⏎} (left out for
 * an empty help) and {@code # TYPE prefix+name type⏎} is written and the name added. So one name
 * gets one preamble per set, taken from its first data point, even under two prefixes (upstream's
 * keying, kept). A sample line is {@code prefix+name{labels} value timestamp⏎}, with no braces when
 * there are no labels. A histogram point is {@code ⏎}, one {@code _bucket} line per bucket with the
 * cumulative count and {@code le} last, then {@code _sum}, {@code _count}, {@code _min}, {@code _max},
 * {@code _ssd}, then {@code ⏎}. Labels are the data labels, the external labels and the snapshot's
 * extra labels merged and sorted bytewise. Values: ints in decimal, floats as Go {@code %f}, zero
 * as {@code 0}. The timestamp is the snapshot's time in Unix milliseconds; {@link WriteOptions}
 * can leave it out. A point with an unknown metric type is skipped without a byte, as upstream.
 *
 * <h2>Differences from upstream</h2>
 * <ul>
 *   <li>Escaping follows the text format: {@code \\}, {@code \"}, {@code \n} in label values and
 *       {@code \\}, {@code \n} in HELP (upstream writes {@code \\"} and a backslash before a raw
 *       LF). Characters that are not valid UTF-16 (lone surrogates) are written as U+FFFD. An LF in
 *       an extra label value is written as {@code \n} in the summary comment (upstream writes it
 *       raw, which ends the comment and leaves an unparsable line).</li>
 *   <li>Every int64 prints correctly (upstream's digit loop prints nothing or garbage from 1e18 up
 *       and crashes on the minimum). Bucket counts are unsigned 64-bit values.</li>
 *   <li>Data that upstream would cut off mid-line (an empty label key, a label {@code le} outside
 *       bucket lines, a key in two label sources) or a value that does not match the type is found
 *       by {@link #check} first. {@link #write} checks every snapshot before writing its first byte
 *       and throws {@link InvalidSnapshotException} with nothing written; callers drop invalid
 *       snapshots beforehand with {@link #check}.</li>
 *   <li>Errors of the output stream are thrown at once (upstream ignores all but the last).</li>
 * </ul>
 *
 * <h2>Order across sandboxes</h2>
 * Upstream orders snapshots by memory address, so the lines of one family come out in a random
 * sandbox order. This writer keeps the input order: within a group, lines follow the snapshot list
 * and, within a snapshot, its data list. A caller that wants the lines of a family sorted by
 * sandbox passes the snapshots sorted by sandbox ID and builds any snapshot that covers several
 * sandboxes (the server's own metrics) with its data points in sandbox ID order.
 *
 * <h2>Performance</h2>
 * Output goes through one reusable 32 KiB buffer, flushed to the caller's stream when full and at
 * the end; the stream is flushed but never closed. What is the same for many lines is encoded once
 * per write into a reused scratch array: each group's {@code prefix + name} bytes, each snapshot's
 * timestamp text (a space and the Unix milliseconds) and its extra labels, sorted once and encoded as
 * {@code k="v",...}. A line of a point with no data or external labels (the common case) is then a
 * few array copies and its value's digits; a point with labels of its own has them sorted and
 * merged with the snapshot's already encoded pairs into a reused scratch buffer, once for all its
 * lines. The {@code metricsWritten} set is consulted once per group, at its first line. The order
 * is found by ranking the few hundred distinct group names once (comparing their encoded bytes)
 * and placing the packed (snapshot, point) indices by a counting sort on the rank. Strings are
 * encoded to UTF-8 and escaped by one loop with an ASCII fast path; numbers are written two digits
 * at a time straight into the buffer. Allocation is per write, per snapshot (its summary comment)
 * or per group (the name index and the sort of the names), never per line or per sample in steady
 * state, except {@link java.math.BigDecimal} for non-integral floats. An instance is not
 * thread-safe: use one per thread or per request.
 */
public final class ExpositionWriter {
    /** Size of the output buffer, as upstream's. */
    public static final int BUFFER_SIZE = 32 * 1024;
    /** Most distinct prefixes whose UTF-8 bytes are cached. */
    static final int PREFIX_CACHE_LIMIT = 32;

    private static final byte[] END_MARKER = ascii("\n# End of metric data.\n");
    private static final byte[] HELP = ascii("# HELP ");
    private static final byte[] TYPE = ascii("# TYPE ");
    private static final byte[] LE = ascii("le=\"");
    private static final byte[] BUCKET = ascii("_bucket");
    private static final byte[] SUM = ascii("_sum");
    private static final byte[] COUNT = ascii("_count");
    private static final byte[] MIN = ascii("_min");
    private static final byte[] MAX = ascii("_max");
    private static final byte[] SSD = ascii("_ssd");
    private static final byte[] ZEROS = ascii(".000000");
    private static final byte[][] TYPE_WORDS = {
        ascii("untyped"), ascii("gauge"), ascii("counter"), ascii("histogram"),
    };

    /** Escaping of a string: none, label value, HELP text, comment (LF only). */
    private static final int RAW = 0;
    private static final int LABEL_VALUE = 1;
    private static final int HELP_TEXT = 2;
    private static final int COMMENT = 3;
    /** Per ASCII char, the modes (as bits {@code 1 << mode}) that escape it. */
    private static final byte[] ESCAPES = escapeTable();
    /** "00" to "99". */
    private static final byte[] DIGIT_PAIRS = digitPairs();
    /** Longest decimal int64: a sign and 19 digits. */
    private static final int MAX_LONG_LENGTH = 20;

    private final byte[] buf = new byte[BUFFER_SIZE];
    private final Map<String, byte[]> prefixCache = new HashMap<>();
    private final BiConsumer<String, String> labelAdder = this::addLabel;
    private final Checker checker = new Checker();

    // Labels of a point that has data or external labels, merged with its snapshot's extra labels.
    private byte[] labelText = new byte[256];
    private String[] labelKeys = new String[8];
    private String[] labelValues = new String[8];
    private int labelCount;

    // The scrape's constant text, encoded once per write: every group's prefix+name, every
    // snapshot's timestamp text and extra-label text. Offsets below point into it.
    private byte[] text = new byte[4096];
    private int textLength;

    // Per snapshot s: its " <millis>\n" (or "\n"), its sorted extra labels k="v",... and the index
    // of its first extra label in the per-label arrays (snapshotPairs[s + 1] ends them).
    private int[] snapshotTime = new int[16];
    private int[] snapshotTimeLength = new int[16];
    private int[] snapshotLabels = new int[16];
    private int[] snapshotLabelsLength = new int[16];
    private int[] snapshotPairs = new int[17];

    // Per extra label of every snapshot, sorted within a snapshot: key, and where its k="v" is in text.
    private String[] pairKeys = new String[64];
    private int[] pairStart = new int[64];
    private int[] pairEnd = new int[64];
    private int pairCount;

    // Per group (one prefix+name): the strings, where its name bytes are, whether its first line
    // has been reached (the metricsWritten set is consulted once per group, not per line).
    private String[] groupPrefix = new String[64];
    private String[] groupName = new String[64];
    private int[] groupText = new int[64];
    private int[] groupTextLength = new int[64];
    private boolean[] groupStarted = new boolean[64];
    private boolean[] groupHasSurrogate = new boolean[64];
    private final Map<String, Map<String, Integer>> groupIds = new HashMap<>();

    // The points in output order, packed (snapshot << 32 | point), and each point's group.
    private long[] order = new long[64];
    private int[] pointGroup = new int[64];

    // State of the write in progress.
    private OutputStream out;
    private int pos;
    private long flushed;
    private Set<String> written;
    private boolean timestamps;
    // The label text of the point being written: a range of text or of labelText.
    private byte[] lineLabels;
    private int lineLabelsOffset;
    private int lineLabelsLength;

    /** Creates a writer with its buffers. */
    public ExpositionWriter() {}

    /**
     * Checks that a snapshot can be written as valid text: no empty label key, no label {@code le}
     * (it is reserved for bucket lines), no key given by two of the data labels, the external labels
     * and the extra labels, and a histogram value exactly on histogram metrics. Points of unknown
     * type are not checked, because they are not written.
     *
     * @param snapshot the snapshot
     * @param options the options it will be written with
     * @throws InvalidSnapshotException naming the first offending data point and the rule
     */
    public static void check(Snapshot snapshot, PrefixAndLabels options) throws InvalidSnapshotException {
        new Checker().check(snapshot, options);
    }

    /**
     * The rules of {@link #check}, with reusable iteration callbacks so that checking allocates
     * nothing per data point: an unmodifiable map's {@code keySet()} iterator would.
     */
    private static final class Checker {
        private final BiConsumer<String, String> inExternal = this::findInExternal;
        private final BiConsumer<String, String> inExtra = this::findInExtra;
        private Data point;
        private Map<String, String> extra;
        private String duplicate;
        private String duplicateSource;

        void check(Snapshot snapshot, PrefixAndLabels options) throws InvalidSnapshotException {
            String extraProblem = keyProblem(options.extraLabels(), "extra labels");
            if (extraProblem != null) {
                throw new InvalidSnapshotException(extraProblem);
            }
            List<Data> data = snapshot.data();
            for (int i = 0; i < data.size(); i++) {
                Data d = data.get(i);
                int type = d.metric().typeCode();
                if (type < 0 || type > MetricType.HISTOGRAM.code()) {
                    continue;
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
                if (problem == null && (type == MetricType.HISTOGRAM.code()) != (d.histogram() != null)) {
                    problem = type == MetricType.HISTOGRAM.code() ? "a histogram metric needs a histogram value"
                            : "a " + d.metric().type().orElseThrow().text() + " metric needs a number value";
                }
                if (problem != null) {
                    // Messages are built only on failure.
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

    /**
     * Writes snapshots with a fresh {@code metricsWritten} set.
     *
     * @param out the stream to write to; flushed, not closed
     * @param options the header and timestamp options
     * @param snapshots the snapshots in the order their lines appear within each group
     * @return the number of bytes written
     * @throws InvalidSnapshotException if a snapshot fails {@link #check}; nothing was written
     * @throws IOException if the stream fails
     */
    public long write(OutputStream out, WriteOptions options, List<LabeledSnapshot> snapshots) throws IOException {
        return write(out, options, snapshots, new HashSet<>());
    }

    /**
     * Writes snapshots.
     *
     * @param out the stream to write to; flushed, not closed
     * @param options the header and timestamp options
     * @param snapshots the snapshots in the order their lines appear within each group; to order
     *     the lines of a family by sandbox, pass the snapshots sorted by sandbox
     * @param metricsWritten the unprefixed names whose HELP/TYPE preamble is already out; names
     *     written now are added (so it must be mutable), and a set shared by several calls gives
     *     one preamble per name
     * @return the number of bytes written
     * @throws InvalidSnapshotException if a snapshot fails {@link #check}; nothing was written
     * @throws IOException if the stream fails
     */
    public long write(OutputStream out, WriteOptions options, List<LabeledSnapshot> snapshots,
                      Set<String> metricsWritten) throws IOException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(metricsWritten, "metricsWritten");
        if (snapshots.isEmpty()) {
            return 0;
        }
        for (int s = 0; s < snapshots.size(); s++) {
            LabeledSnapshot e = snapshots.get(s);
            try {
                checker.check(e.snapshot(), e.options());
            } catch (InvalidSnapshotException ex) {
                throw new InvalidSnapshotException("snapshot " + s + ": " + ex.getMessage(), ex);
            }
        }
        this.out = out;
        this.pos = 0;
        this.flushed = 0;
        this.written = metricsWritten;
        this.timestamps = options.timestamps();
        try {
            writeHeader(options.commentHeader(), snapshots);
            writeData(snapshots);
            writeBytes(END_MARKER);
            flushBuffer();
            out.flush();
            return flushed;
        } finally {
            // Drop references so that the scratch arrays do not keep the snapshots alive.
            this.out = null;
            this.written = null;
            this.lineLabels = null;
            Arrays.fill(groupPrefix, null);
            Arrays.fill(groupName, null);
            Arrays.fill(pairKeys, 0, pairCount, null);
        }
    }

    private void writeHeader(String header, List<LabeledSnapshot> snapshots) throws IOException {
        if (!header.isEmpty()) {
            int start = 0;
            while (true) {
                int lf = header.indexOf('\n', start);
                int end = lf < 0 ? header.length() : lf;
                writeByte('#');
                writeByte(' ');
                writeString(header, start, end, RAW);
                writeByte('\n');
                if (lf < 0) {
                    break;
                }
                start = lf + 1;
            }
        }
        if (snapshots.size() == 1) {
            Snapshot s = snapshots.getFirst().snapshot();
            writeAscii("# Writing data from snapshot containing ");
            writeLong(s.data().size());
            writeAscii(" data points taken at ");
            writeString(timeText(s), RAW);
            writeAscii(".\n");
        } else {
            writeAscii("# Writing data from ");
            writeLong(snapshots.size());
            writeAscii(" snapshots:\n");
            for (LabeledSnapshot e : snapshots) {
                writeAscii("#   - Snapshot with ");
                writeLong(e.snapshot().data().size());
                writeAscii(" data points taken at ");
                writeString(timeText(e.snapshot()), RAW);
                writeAscii(": ");
                writeString(GoText.formatMap(e.options().extraLabels()), COMMENT);
                writeByte('\n');
            }
        }
        writeByte('\n');
    }

    private static String timeText(Snapshot s) {
        return GoText.formatTime(s.when(), s.zone(), s.monotonicNanos());
    }

    /**
     * Orders (snapshot, point) pairs by group name, then snapshot, then point, and writes them.
     * A scrape has tens of thousands of points but only a few hundred distinct group names, so the
     * names are ranked once (two hash lookups per point, no allocation per point) and the points are placed
     * by a counting sort on the rank, which keeps snapshot and point order within a group.
     */
    private void writeData(List<LabeledSnapshot> snapshots) throws IOException {
        textLength = 0;
        pairCount = 0;
        int n = encodeSnapshots(snapshots);
        if (order.length < n) {
            order = new long[n];
            pointGroup = new int[n];
        }
        int groups = assignGroups(snapshots);
        int[] byRank = sortGroups(groups);
        int[] rank = new int[groups];
        for (int r = 0; r < groups; r++) {
            rank[byRank[r]] = r;
        }
        // end[r] first holds where rank r starts; placing its points moves it to where it ends.
        int[] end = new int[groups + 1];
        for (int i = 0; i < n; i++) {
            end[rank[pointGroup[i]] + 1]++;
        }
        for (int r = 0; r < groups; r++) {
            end[r + 1] += end[r];
        }
        int i = 0;
        for (int s = 0; s < snapshots.size(); s++) {
            int size = snapshots.get(s).snapshot().data().size();
            for (int d = 0; d < size; d++) {
                order[end[rank[pointGroup[i++]]]++] = (long) s << 32 | d;
            }
        }
        int k = 0;
        for (int r = 0; r < groups; r++) {
            int g = byRank[r];
            for (; k < end[r]; k++) {
                int s = (int) (order[k] >>> 32);
                writePoint(g, s, snapshots.get(s).snapshot().data().get((int) order[k]));
            }
        }
    }

    /**
     * Encodes what is the same for every line of a snapshot into {@link #text}: the timestamp text
     * and the extra labels, sorted once; returns the number of data points of all snapshots.
     */
    private int encodeSnapshots(List<LabeledSnapshot> snapshots) {
        int count = snapshots.size();
        if (snapshotTime.length < count) {
            int size = Math.max(count, snapshotTime.length * 2);
            snapshotTime = new int[size];
            snapshotTimeLength = new int[size];
            snapshotLabels = new int[size];
            snapshotLabelsLength = new int[size];
            snapshotPairs = new int[size + 1];
        }
        int n = 0;
        for (int s = 0; s < count; s++) {
            LabeledSnapshot e = snapshots.get(s);
            n += e.snapshot().data().size();
            snapshotTime[s] = textLength;
            reserveText(22);
            if (timestamps) {
                text[textLength++] = ' ';
                textLength = putLong(unixMillis(e.snapshot()), text, textLength);
            }
            text[textLength++] = '\n';
            snapshotTimeLength[s] = textLength - snapshotTime[s];
            snapshotPairs[s] = pairCount;
            snapshotLabels[s] = textLength;
            encodeExtraLabels(e.options().extraLabels());
            snapshotLabelsLength[s] = textLength - snapshotLabels[s];
        }
        snapshotPairs[count] = pairCount;
        return n;
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
            reserveText(1 + pairBound(k, v)); // the comma and the pair
            if (i > 0) {
                text[textLength++] = ',';
            }
            pairKeys[pairCount] = k;
            pairStart[pairCount] = textLength;
            textLength = encodePair(k, v, text, textLength);
            pairEnd[pairCount++] = textLength;
        }
        clearLabels();
    }

    /** Makes room for {@code n} more bytes in {@link #text}. */
    private void reserveText(int n) {
        if (textLength + n > text.length) {
            text = Arrays.copyOf(text, Math.max(textLength + n, text.length * 2));
        }
    }

    /**
     * Gives every distinct (prefix, name) a group number, in {@code pointGroup} per point, and
     * encodes its {@code prefix + name} into {@link #text}; returns the count.
     */
    private int assignGroups(List<LabeledSnapshot> snapshots) {
        groupIds.clear();
        int groups = 0;
        int i = 0;
        for (LabeledSnapshot e : snapshots) {
            String prefix = e.options().exporterPrefix();
            byte[] prefixBytes = prefixBytes(prefix);
            Map<String, Integer> byName = groupIds.computeIfAbsent(prefix, k -> new HashMap<>());
            for (Data d : e.snapshot().data()) {
                String name = d.metric().name();
                Integer g = byName.get(name);
                if (g == null) {
                    g = groups;
                    addGroup(groups++, prefix, prefixBytes, name);
                    byName.put(name, g);
                }
                pointGroup[i++] = g;
            }
        }
        return groups;
    }

    private void addGroup(int g, String prefix, byte[] prefixBytes, String name) {
        if (g == groupPrefix.length) {
            int size = g * 2;
            groupPrefix = Arrays.copyOf(groupPrefix, size);
            groupName = Arrays.copyOf(groupName, size);
            groupText = Arrays.copyOf(groupText, size);
            groupTextLength = Arrays.copyOf(groupTextLength, size);
            groupStarted = Arrays.copyOf(groupStarted, size);
            groupHasSurrogate = Arrays.copyOf(groupHasSurrogate, size);
        }
        groupPrefix[g] = prefix;
        groupName[g] = name;
        groupStarted[g] = false;
        reserveText(prefixBytes.length + 3 * name.length());
        groupText[g] = textLength;
        System.arraycopy(prefixBytes, 0, text, textLength, prefixBytes.length);
        textLength = encode(name, 0, name.length(), RAW, text, textLength + prefixBytes.length);
        groupTextLength[g] = textLength - groupText[g];
        // One byte per char means ASCII, so only longer encodings need the scan.
        groupHasSurrogate[g] = groupTextLength[g] != prefix.length() + name.length()
                && (hasSurrogate(prefix) || hasSurrogate(name));
    }

    /** {@return the group numbers sorted by {@code prefix + name} in Go's bytewise string order} */
    private int[] sortGroups(int groups) {
        Integer[] sorted = new Integer[groups];
        for (int g = 0; g < groups; g++) {
            sorted[g] = g;
        }
        Arrays.sort(sorted, this::compareGroups);
        int[] byRank = new int[groups];
        for (int r = 0; r < groups; r++) {
            byRank[r] = sorted[r];
        }
        return byRank;
    }

    /**
     * Compares two groups by name. Without surrogates the UTF-8 bytes already in {@link #text}
     * sort in code point order, and one vectorized mismatch finds the difference (names share
     * long prefixes such as {@code runsc_netstack_}); a lone surrogate is encoded as U+FFFD, so
     * names with surrogates are compared char by char, which gives the same order as before.
     */
    private int compareGroups(int x, int y) {
        if (groupHasSurrogate[x] || groupHasSurrogate[y]) {
            return compareGroupNames(groupPrefix[x], groupName[x], groupPrefix[y], groupName[y]);
        }
        return Arrays.compareUnsigned(text, groupText[x], groupText[x] + groupTextLength[x],
                text, groupText[y], groupText[y] + groupTextLength[y]);
    }

    private static boolean hasSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private byte[] prefixBytes(String prefix) {
        byte[] bytes = prefixCache.get(prefix);
        if (bytes == null) {
            if (prefixCache.size() >= PREFIX_CACHE_LIMIT) {
                prefixCache.clear();
            }
            bytes = prefix.getBytes(StandardCharsets.UTF_8);
            prefixCache.put(prefix, bytes);
        }
        return bytes;
    }

    /** Compares {@code px + nx} with {@code py + ny} bytewise over UTF-8 without building the strings. */
    private static int compareGroupNames(String px, String nx, String py, String ny) {
        int lx = px.length() + nx.length();
        int ly = py.length() + ny.length();
        int n = Math.min(lx, ly);
        for (int i = 0; i < n; i++) {
            char cx = i < px.length() ? px.charAt(i) : nx.charAt(i - px.length());
            char cy = i < py.length() ? py.charAt(i) : ny.charAt(i - py.length());
            if (cx != cy) {
                return GoText.codePointOrder(cx) - GoText.codePointOrder(cy);
            }
        }
        return lx - ly;
    }

    /** Writes point {@code d} of snapshot {@code s}, which belongs to group {@code g}. */
    private void writePoint(int g, int s, Data d) throws IOException {
        Metric metric = d.metric();
        int type = metric.typeCode();
        if (type < 0 || type > 3) {
            return;
        }
        selectLabels(d, s);
        if (type != MetricType.HISTOGRAM.code()) {
            preamble(g, metric);
            writeSeriesName(g, null);
            writeNumber(d.number());
            writeTime(s);
            return;
        }
        Histogram h = d.histogram();
        writeByte('\n');
        long cumulative = 0;
        for (Bucket b : h.buckets()) {
            cumulative += b.samples();
            preamble(g, metric);
            writeGroupName(g);
            writeBytes(BUCKET);
            writeByte('{');
            writeBytes(lineLabels, lineLabelsOffset, lineLabelsLength);
            if (lineLabelsLength > 0) {
                writeByte(',');
            }
            writeBytes(LE);
            writeNumber(b.upperBound());
            writeByte('"');
            writeByte('}');
            writeByte(' ');
            writeUnsigned(cumulative);
            writeTime(s);
        }
        preamble(g, metric);
        writeSample(g, SUM, h.total(), s);
        writeSeriesName(g, COUNT);
        writeUnsigned(h.count());
        writeTime(s);
        writeSample(g, MIN, h.min(), s);
        writeSample(g, MAX, h.max(), s);
        writeSample(g, SSD, h.ssd(), s);
        writeByte('\n');
    }

    /**
     * Writes the HELP/TYPE preamble before the first line of group {@code g} unless its unprefixed
     * name is already in the set. Every later line of the group would find the name in the set (it
     * only grows), so the set is asked once per group.
     */
    private void preamble(int g, Metric metric) throws IOException {
        if (groupStarted[g]) {
            return;
        }
        groupStarted[g] = true;
        if (written.contains(metric.name())) {
            return;
        }
        writeByte('\n');
        if (!metric.help().isEmpty()) {
            writeBytes(HELP);
            writeGroupName(g);
            writeByte(' ');
            writeString(metric.help(), HELP_TEXT);
            writeByte('\n');
        }
        writeBytes(TYPE);
        writeGroupName(g);
        writeByte(' ');
        writeBytes(TYPE_WORDS[metric.typeCode()]);
        writeByte('\n');
        written.add(metric.name());
    }

    private void writeSample(int g, byte[] suffix, NumberValue value, int s) throws IOException {
        writeSeriesName(g, suffix);
        writeNumber(value);
        writeTime(s);
    }

    /** Writes {@code prefix+name[suffix][{labels}] }. */
    private void writeSeriesName(int g, byte[] suffix) throws IOException {
        writeGroupName(g);
        if (suffix != null) {
            writeBytes(suffix);
        }
        if (lineLabelsLength > 0) {
            writeByte('{');
            writeBytes(lineLabels, lineLabelsOffset, lineLabelsLength);
            writeByte('}');
        }
        writeByte(' ');
    }

    private void writeGroupName(int g) throws IOException {
        writeBytes(text, groupText[g], groupTextLength[g]);
    }

    /** Ends a sample line: the snapshot's timestamp text (if timestamps are on) and LF. */
    private void writeTime(int s) throws IOException {
        writeBytes(text, snapshotTime[s], snapshotTimeLength[s]);
    }

    /**
     * Points {@code lineLabels} at the label text of point {@code d} of snapshot {@code s}. Most
     * points have only the snapshot's extra labels, whose text was encoded once; the others are
     * merged with it into {@link #labelText}. {@link #check} has ruled out duplicates, empty keys
     * and {@code le}.
     */
    private void selectLabels(Data d, int s) {
        if (d.labels().isEmpty() && d.externalLabels().isEmpty()) {
            lineLabels = text;
            lineLabelsOffset = snapshotLabels[s];
            lineLabelsLength = snapshotLabelsLength[s];
            return;
        }
        labelCount = 0;
        addLabels(d.labels());
        addLabels(d.externalLabels());
        sortLabels();
        int p = mergeLabels(snapshotPairs[s], snapshotPairs[s + 1]);
        clearLabels();
        lineLabels = labelText;
        lineLabelsOffset = 0;
        lineLabelsLength = p;
    }

    /**
     * Merges the sorted point labels in {@code labelKeys} with the extra labels
     * {@code [from, to)} of the pair arrays into {@link #labelText}, encoding the former and
     * copying the encoded text of the latter; returns the length.
     */
    private int mergeLabels(int from, int to) {
        int p = 0;
        int i = 0;
        int j = from;
        while (i < labelCount || j < to) {
            boolean own = j == to || i < labelCount && GoText.compareBytewise(labelKeys[i], pairKeys[j]) < 0;
            int need = p + 1 + (own ? pairBound(labelKeys[i], labelValues[i]) : pairEnd[j] - pairStart[j]);
            if (need > labelText.length) {
                labelText = Arrays.copyOf(labelText, Math.max(need, labelText.length * 2));
            }
            if (p > 0) {
                labelText[p++] = ',';
            }
            if (own) {
                p = encodePair(labelKeys[i], labelValues[i], labelText, p);
                i++;
            } else {
                System.arraycopy(text, pairStart[j], labelText, p, pairEnd[j] - pairStart[j]);
                p += pairEnd[j] - pairStart[j];
                j++;
            }
        }
        return p;
    }

    /** Worst case of {@link #encodePair}: 3 bytes per char (an escape takes 2, a surrogate pair 4 for 2 chars). */
    private static int pairBound(String key, String value) {
        return 3 * (key.length() + value.length()) + 3;
    }

    /** Encodes {@code k="v"} at {@code p}; the caller has made room for {@link #pairBound}. */
    private static int encodePair(String key, String value, byte[] dst, int p) {
        p = encode(key, 0, key.length(), RAW, dst, p);
        dst[p++] = '=';
        dst[p++] = '"';
        p = encode(value, 0, value.length(), LABEL_VALUE, dst, p);
        dst[p++] = '"';
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

    private void writeNumber(NumberValue value) throws IOException {
        switch (value) {
            case NumberValue.IntValue(long v) -> writeLong(v);
            case NumberValue.FloatValue(double v) -> writeFloat(v);
        }
    }

    private void writeFloat(double v) throws IOException {
        if (Math.rint(v) == v && Math.abs(v) < 0x1p53) {
            writeLong((long) v);
            writeBytes(ZEROS);
        } else {
            writeAscii(GoText.formatFloat(v));
        }
    }

    private void writeUnsigned(long v) throws IOException {
        if (v >= 0) {
            writeLong(v);
        } else {
            writeAscii(Long.toUnsignedString(v));
        }
    }

    private void writeLong(long v) throws IOException {
        if (buf.length - pos < MAX_LONG_LENGTH) {
            flushBuffer();
        }
        pos = putLong(v, buf, pos);
    }

    /**
     * Writes {@code v} in decimal at {@code p} (room for {@link #MAX_LONG_LENGTH} bytes needed) and
     * returns the new position: two digits per division, from the end.
     */
    private static int putLong(long v, byte[] dst, int p) {
        // Digits of the negated value, so that Long.MIN_VALUE needs no special case.
        long n = v < 0 ? v : -v;
        int end = p + (v < 0 ? 1 : 0) + digitCount(n);
        int i = end;
        while (n < Integer.MIN_VALUE) {
            long q = n / 100;
            int r = (int) (q * 100 - n);
            dst[--i] = DIGIT_PAIRS[2 * r + 1];
            dst[--i] = DIGIT_PAIRS[2 * r];
            n = q;
        }
        // The rest in int arithmetic, whose division is cheaper.
        int m = (int) n;
        while (m <= -100) {
            int q = m / 100;
            int r = q * 100 - m;
            dst[--i] = DIGIT_PAIRS[2 * r + 1];
            dst[--i] = DIGIT_PAIRS[2 * r];
            m = q;
        }
        int r = -m;
        dst[--i] = DIGIT_PAIRS[2 * r + 1];
        if (r >= 10) {
            dst[--i] = DIGIT_PAIRS[2 * r];
        }
        if (v < 0) {
            dst[--i] = '-';
        }
        return end;
    }

    /** {@return the number of decimal digits of {@code -n}, for {@code n <= 0}} */
    private static int digitCount(long n) {
        long limit = -10;
        for (int d = 1; d < 19; d++) {
            if (n > limit) {
                return d;
            }
            limit *= 10;
        }
        return 19;
    }

    private void writeAscii(String s) throws IOException {
        writeString(s, 0, s.length(), RAW);
    }

    private void writeString(String s, int mode) throws IOException {
        writeString(s, 0, s.length(), mode);
    }

    /** Encodes {@code s[from, to)} into the buffer in chunks that are sure to fit. */
    private void writeString(String s, int from, int to, int mode) throws IOException {
        while (from < to) {
            if (buf.length - pos < 8) {
                flushBuffer();
            }
            int chunk = Math.min(to - from, (buf.length - pos) / 3 - 1);
            int end = from + chunk;
            if (end < to && Character.isHighSurrogate(s.charAt(end - 1))) {
                end++; // keep a surrogate pair together; the slack of one char covers it
            }
            pos = encode(s, from, end, mode, buf, pos);
            from = end;
        }
    }

    /**
     * Encodes {@code s[from, to)} as UTF-8 into {@code dst} at {@code p}, escaping as {@code mode}
     * says, and returns the new position. The caller guarantees {@code 3 * (to - from)} free bytes.
     */
    private static int encode(String s, int from, int to, int mode, byte[] dst, int p) {
        int escapes = 1 << mode;
        int i = from;
        // ASCII that needs no escape, the common case, in a tight loop.
        while (i < to) {
            char c = s.charAt(i);
            if (c >= 0x80 || (ESCAPES[c] & escapes) != 0) {
                break;
            }
            dst[p++] = (byte) c;
            i++;
        }
        for (; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if ((ESCAPES[c] & escapes) != 0) {
                    dst[p++] = '\\';
                    dst[p++] = (byte) (c == '\n' ? 'n' : c);
                } else {
                    dst[p++] = (byte) c;
                }
            } else if (c < 0x800) {
                dst[p++] = (byte) (0xC0 | c >> 6);
                dst[p++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isSurrogate(c)) {
                char low = i + 1 < to ? s.charAt(i + 1) : 0;
                if (Character.isHighSurrogate(c) && Character.isLowSurrogate(low)) {
                    int cp = Character.toCodePoint(c, low);
                    dst[p++] = (byte) (0xF0 | cp >> 18);
                    dst[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
                    dst[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
                    dst[p++] = (byte) (0x80 | cp & 0x3F);
                    i++;
                } else {
                    // A lone surrogate is not valid UTF-8; Go would write U+FFFD for it.
                    dst[p++] = (byte) 0xEF;
                    dst[p++] = (byte) 0xBF;
                    dst[p++] = (byte) 0xBD;
                }
            } else {
                dst[p++] = (byte) (0xE0 | c >> 12);
                dst[p++] = (byte) (0x80 | c >> 6 & 0x3F);
                dst[p++] = (byte) (0x80 | c & 0x3F);
            }
        }
        return p;
    }

    /** For each ASCII char, bit {@code 1 << mode} is set if that escaping mode escapes it. */
    private static byte[] escapeTable() {
        byte[] t = new byte[0x80];
        t['\n'] = 1 << LABEL_VALUE | 1 << HELP_TEXT | 1 << COMMENT;
        t['\\'] = 1 << LABEL_VALUE | 1 << HELP_TEXT;
        t['"'] = 1 << LABEL_VALUE;
        return t;
    }

    private static byte[] digitPairs() {
        byte[] t = new byte[200];
        for (int i = 0; i < 100; i++) {
            t[2 * i] = (byte) ('0' + i / 10);
            t[2 * i + 1] = (byte) ('0' + i % 10);
        }
        return t;
    }

    private void writeByte(char b) throws IOException {
        if (pos == buf.length) {
            flushBuffer();
        }
        buf[pos++] = (byte) b;
    }

    private void writeBytes(byte[] bytes) throws IOException {
        writeBytes(bytes, 0, bytes.length);
    }

    private void writeBytes(byte[] bytes, int off, int len) throws IOException {
        if (len <= buf.length - pos) {
            // The usual case: it fits.
            System.arraycopy(bytes, off, buf, pos, len);
            pos += len;
            return;
        }
        while (len > 0) {
            if (pos == buf.length) {
                flushBuffer();
            }
            int n = Math.min(len, buf.length - pos);
            System.arraycopy(bytes, off, buf, pos, n);
            pos += n;
            off += n;
            len -= n;
        }
    }

    private void flushBuffer() throws IOException {
        if (pos > 0) {
            out.write(buf, 0, pos);
            flushed += pos;
            pos = 0;
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
