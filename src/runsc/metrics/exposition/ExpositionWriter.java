// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.io.IOException;
import java.io.OutputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import runsc.metrics.gotext.GoText;

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
 * <p>Before the first line of a metric's <em>unprefixed</em> name, the preamble {@code ⏎},
 * {@code # HELP prefix+name help⏎} (left out for an empty help) and {@code # TYPE prefix+name type⏎}
 * is written. So one name gets one preamble per write, taken from its first data point, even under
 * two prefixes (upstream's keying of its {@code metricsWritten} set, kept). A sample line is
 * {@code prefix+name{labels} value timestamp⏎}, with no braces when there are no labels. A
 * histogram point is {@code ⏎}, one {@code _bucket} line per bucket with the
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
 * <h2>Structure</h2>
 * This class is the layout: header, summary, preambles and the lines of each point. Package-private
 * classes do the rest: {@code WriteFrame} the frame of a write that this writer and
 * {@link OpenMetricsWriter} share, {@code SnapshotChecker} the rules of {@link #check},
 * {@code GroupOrder} the order of the points, {@code SnapshotText} the text that lines share,
 * {@code TextBuffer} and {@code TextEncoding} the bytes. An instance reuses its buffers from one write to the next, with
 * no allocation per line (docs/architecture.md tells how), and is not thread-safe: use one per
 * thread or per request.
 */
public final class ExpositionWriter {
    /** Size of the output buffer, as upstream's. */
    public static final int BUFFER_SIZE = 32 * 1024;

    private static final byte[] END_MARKER = TextEncoding.ascii("\n# End of metric data.\n");
    private static final byte[] MIN = TextEncoding.ascii("_min");
    private static final byte[] MAX = TextEncoding.ascii("_max");
    private static final byte[] SSD = TextEncoding.ascii("_ssd");
    /** The word after {@code # TYPE name }, by wire code. */
    private static final byte[][] TYPE_WORDS = typeWords();

    private final WriteFrame frame = new WriteFrame();
    private final TextBuffer buf = frame.buf;
    private final SnapshotText snapshotText = frame.snapshotText;
    private final GroupOrder groups = frame.groups;
    /** The unprefixed names whose preamble is out, in the write in progress. */
    private final Set<String> written = new HashSet<>();
    /** Whether a line of the group being written is out (its points come one after the other). */
    private boolean groupStarted;

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
        new SnapshotChecker().check(snapshot, options);
    }

    /**
     * Writes snapshots.
     *
     * @param out the stream to write to; flushed, not closed
     * @param options the header and timestamp options
     * @param snapshots the snapshots in the order their lines appear within each group; to order
     *     the lines of a family by sandbox, pass the snapshots sorted by sandbox
     * @return the number of bytes written
     * @throws InvalidSnapshotException if a snapshot fails {@link #check}; nothing was written
     * @throws IOException if the stream fails
     */
    public long write(OutputStream out, WriteOptions options, List<LabeledSnapshot> snapshots) throws IOException {
        return write(out, options, snapshots, "");
    }

    /**
     * Writes snapshots, then {@code trailer} as it is, then the end marker: the end marker stays
     * last, so that a reader can still tell a complete body from a cut one.
     *
     * @param out the stream to write to; flushed, not closed
     * @param options the header and timestamp options
     * @param snapshots the snapshots, as for {@link #write(OutputStream, WriteOptions, List)}
     * @param trailer more exposition text, complete lines, already valid; "" for none
     * @return the number of bytes written
     * @throws InvalidSnapshotException if a snapshot fails {@link #check}; nothing was written
     * @throws IOException if the stream fails
     */
    public long write(OutputStream out, WriteOptions options, List<LabeledSnapshot> snapshots, String trailer)
            throws IOException {
        try {
            return frame.write(out, snapshots, trailer, END_MARKER, () -> {
                writeHeader(options.commentHeader(), snapshots);
                writeData(snapshots, options.timestamps());
            });
        } finally {
            written.clear();
        }
    }

    private void writeHeader(String header, List<LabeledSnapshot> snapshots) throws IOException {
        if (!header.isEmpty()) {
            int start = 0;
            while (true) {
                int lf = header.indexOf('\n', start);
                int end = lf < 0 ? header.length() : lf;
                buf.writeByte('#');
                buf.writeByte(' ');
                buf.writeString(header, start, end, Escape.NONE);
                buf.writeByte('\n');
                if (lf < 0) {
                    break;
                }
                start = lf + 1;
            }
        }
        if (snapshots.size() == 1) {
            Snapshot s = snapshots.getFirst().snapshot();
            buf.writeAscii("# Writing data from snapshot containing ");
            buf.writeLong(s.data().size());
            buf.writeAscii(" data points taken at ");
            buf.writeString(timeText(s), Escape.NONE);
            buf.writeAscii(".\n");
        } else {
            buf.writeAscii("# Writing data from ");
            buf.writeLong(snapshots.size());
            buf.writeAscii(" snapshots:\n");
            for (LabeledSnapshot e : snapshots) {
                buf.writeAscii("#   - Snapshot with ");
                buf.writeLong(e.snapshot().data().size());
                buf.writeAscii(" data points taken at ");
                buf.writeString(timeText(e.snapshot()), Escape.NONE);
                buf.writeAscii(": ");
                buf.writeString(GoText.formatMap(e.options().extraLabels()), Escape.COMMENT);
                buf.writeByte('\n');
            }
        }
        buf.writeByte('\n');
    }

    private static String timeText(Snapshot s) {
        return GoText.formatTime(s.when(), s.zone(), s.monotonicNanos());
    }

    /** Writes the points group by group, in the order {@link GroupOrder} finds. */
    private void writeData(List<LabeledSnapshot> snapshots, boolean timestamps) throws IOException {
        int points = snapshotText.encode(snapshots, timestamps);
        groups.sort(snapshots, points);
        int k = 0;
        for (int r = 0; r < groups.groupCount(); r++) {
            int g = groups.group(r);
            groupStarted = false;
            for (int end = groups.end(r); k < end; k++) {
                long p = groups.point(k);
                int s = (int) (p >>> 32);
                writePoint(g, s, snapshots.get(s).snapshot().data().get((int) p));
            }
        }
    }

    /** Writes point {@code d} of snapshot {@code s}, which belongs to group {@code g}. */
    private void writePoint(int g, int s, Data d) throws IOException {
        Metric metric = d.metric();
        int type = metric.typeCode();
        if (!MetricType.isKnown(type)) {
            return;
        }
        snapshotText.selectLabels(d, s);
        if (type != MetricType.HISTOGRAM.code()) {
            preamble(g, metric);
            writeSeriesName(g, null);
            buf.writeNumber(d.number());
            writeTime(s);
            return;
        }
        Histogram h = d.histogram();
        buf.writeByte('\n');
        long cumulative = 0;
        for (Bucket b : h.buckets()) {
            cumulative += b.samples();
            preamble(g, metric);
            frame.startBucket(g);
            buf.writeNumber(b.upperBound());
            frame.endBucket(cumulative, s);
        }
        preamble(g, metric);
        writeSample(g, WriteFrame.SUM, h.total(), s);
        writeSeriesName(g, WriteFrame.COUNT);
        buf.writeUnsigned(h.count());
        writeTime(s);
        writeSample(g, MIN, h.min(), s);
        writeSample(g, MAX, h.max(), s);
        writeSample(g, SSD, h.ssd(), s);
        buf.writeByte('\n');
    }

    /**
     * Writes the HELP/TYPE preamble before the first line of group {@code g}, unless its unprefixed
     * name already has one (under another prefix). The set is asked once per group, at its first
     * line: every later line would find the name in it.
     */
    private void preamble(int g, Metric metric) throws IOException {
        if (groupStarted) {
            return;
        }
        groupStarted = true;
        if (!written.add(metric.name())) {
            return;
        }
        buf.writeByte('\n');
        if (!metric.help().isEmpty()) {
            buf.writeBytes(WriteFrame.HELP);
            writeGroupName(g);
            buf.writeByte(' ');
            buf.writeString(metric.help(), Escape.HELP);
            buf.writeByte('\n');
        }
        buf.writeBytes(WriteFrame.TYPE);
        writeGroupName(g);
        buf.writeByte(' ');
        buf.writeBytes(TYPE_WORDS[metric.typeCode()]);
        buf.writeByte('\n');
    }

    private void writeSample(int g, byte[] suffix, NumberValue value, int s) throws IOException {
        writeSeriesName(g, suffix);
        buf.writeNumber(value);
        writeTime(s);
    }

    /** Writes {@code prefix+name[suffix][{labels}] }. */
    private void writeSeriesName(int g, byte[] suffix) throws IOException {
        writeGroupName(g);
        if (suffix != null) {
            buf.writeBytes(suffix);
        }
        snapshotText.writeLabelsAndSpace(buf);
    }

    private void writeGroupName(int g) throws IOException {
        groups.writeName(buf, g);
    }

    /** Ends a sample line: the snapshot's timestamp text (if timestamps are on) and LF. */
    private void writeTime(int s) throws IOException {
        snapshotText.writeTime(buf, s);
    }

    private static byte[][] typeWords() {
        MetricType[] types = MetricType.values();
        byte[][] words = new byte[types.length][];
        for (MetricType t : types) {
            words[t.code()] = TextEncoding.ascii(t.text());
        }
        return words;
    }
}
