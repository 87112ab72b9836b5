// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes snapshots as OpenMetrics 1.0.0 text, the same data and order as {@link ExpositionWriter}
 * with the OpenMetrics rules where they differ from the Prometheus text format.
 *
 * <h2>Byte layout</h2>
 * <ol>
 *   <li>No snapshots: nothing at all, 0 bytes (as the text writer).</li>
 *   <li>No comment header and no summary comment: OpenMetrics allows no comment lines but
 *       {@code # HELP}, {@code # TYPE}, {@code # UNIT} and {@code # EOF}, and its parsers (Prometheus,
 *       prometheus_client) reject any other. No blank lines either.</li>
 *   <li>One metric family per group ({@code prefix + name}), groups in the text writer's order:
 *       {@code # HELP family help⏎} (left out for an empty help; {@code \\}, {@code \"} and
 *       {@code \n} escaped), {@code # TYPE family type⏎} ({@code unknown} for untyped), and
 *       {@code # UNIT family unit⏎} where {@link OpenMetricsOptions#units} gives one and the
 *       family name ends with {@code _unit}; then the group's samples.</li>
 *   <li>{@code # EOF⏎}.</li>
 * </ol>
 *
 * <h2>Samples</h2>
 * <ul>
 *   <li>Counters: the family is the name without a trailing {@code _total}, the sample is
 *       {@code family_total}. gVisor's counters do not end in {@code _total}, so their series are
 *       renamed: {@code runsc_fs_opens} becomes {@code runsc_fs_opens_total}.</li>
 *   <li>Gauges and untyped metrics: the sample is the name.</li>
 *   <li>Histograms: {@code _bucket} lines with cumulative counts and {@code le} as a canonical
 *       float ({@code 1000.0}, {@code 0.5}, {@code 1e+06}, {@code +Inf}), then {@code _count} and {@code _sum}. gVisor's
 *       {@code _min}, {@code _max} and {@code _ssd} are not samples an OpenMetrics histogram may
 *       have, so each is a gauge family of its own ({@code name_min} ...) right after the
 *       histogram: the series keep their text-format names and the sample count stays the same.</li>
 *   <li>Timestamps in seconds with three decimals (the snapshot time's milliseconds), unless
 *       {@link OpenMetricsOptions#timestamps} is off. Labels and values as in the text format.</li>
 * </ul>
 * A family's type is its first point's. A point of another kind in the same group (a number where
 * the family is a histogram, or a histogram where it is not) is left out, since it cannot be
 * written under that family; a counter point in a gauge family, or the reverse, is written as the
 * family's type.
 *
 * <p>Like {@link ExpositionWriter}, the writer checks every snapshot before writing the first byte,
 * reuses its buffers ({@link TextBuffer}, {@link SnapshotText}, {@link GroupOrder}) with no
 * allocation per line (a float that is not integral is formatted as in the text writer, a bucket
 * bound once per write), and is not thread-safe.
 */
public final class OpenMetricsWriter {
    private static final byte[] EOF = TextEncoding.ascii("# EOF\n");
    private static final byte[] UNIT = TextEncoding.ascii("# UNIT ");
    private static final byte[] TOTAL = TextEncoding.ascii("_total");
    private static final byte[] INTEGRAL = TextEncoding.ascii(".0");
    /** Entries of the cache of formatted bucket bounds, a power of two. */
    private static final int BOUND_CACHE = 64;
    /** gVisor's extra histogram samples, each written as a gauge family of its own. */
    private static final byte[][] EXTRA_SUFFIXES = {
        TextEncoding.ascii("_min"), TextEncoding.ascii("_max"), TextEncoding.ascii("_ssd"),
    };
    private static final byte[] GAUGE = TextEncoding.ascii("gauge");
    /** The word after {@code # TYPE family }, by wire code. */
    private static final byte[][] TYPE_WORDS = {
        TextEncoding.ascii("unknown"), GAUGE, TextEncoding.ascii("counter"), TextEncoding.ascii("histogram"),
    };

    private final WriteFrame frame = new WriteFrame();
    private final TextBuffer buf = frame.buf;
    private final SnapshotText snapshotText = frame.snapshotText;
    private final GroupOrder groups = frame.groups;
    /** Bucket bounds that need formatting, by their bits: most histograms share a few bounds. */
    private final long[] boundBits = new long[BOUND_CACHE];
    private final byte[][] boundText = new byte[BOUND_CACHE][];

    /** Creates a writer with its buffers. */
    public OpenMetricsWriter() {}

    /**
     * Writes snapshots, then {@code trailer} as it is, then {@code # EOF}.
     *
     * @param out the stream to write to; flushed, not closed
     * @param options the timestamp option and the units of families
     * @param snapshots the snapshots, as for {@link ExpositionWriter#write(OutputStream, WriteOptions, List)}
     * @param trailer more OpenMetrics text, complete families, already valid; "" for none
     * @return the number of bytes written
     * @throws InvalidSnapshotException if a snapshot fails {@link ExpositionWriter#check}; nothing was written
     * @throws IOException if the stream fails
     */
    public long write(OutputStream out, OpenMetricsOptions options, List<LabeledSnapshot> snapshots, String trailer)
            throws IOException {
        Objects.requireNonNull(options, "options");
        return frame.write(out, snapshots, trailer, EOF, () -> writeData(snapshots, options));
    }

    private void writeData(List<LabeledSnapshot> snapshots, OpenMetricsOptions options) throws IOException {
        int points = snapshotText.encode(snapshots, options.timestamps(), true);
        groups.sort(snapshots, points);
        int k = 0;
        for (int r = 0; r < groups.groupCount(); r++) {
            int g = groups.group(r);
            int end = groups.end(r);
            Metric first = firstKnown(snapshots, k, end);
            if (first != null) {
                writeFamily(snapshots, g, first, k, end, options.units());
            }
            k = end;
        }
    }

    /** {@return the metric of the first point of a known type in {@code [from, to)}, or null} */
    private Metric firstKnown(List<LabeledSnapshot> snapshots, int from, int to) {
        for (int k = from; k < to; k++) {
            Metric m = dataAt(snapshots, k).metric();
            if (MetricType.isKnown(m.typeCode())) {
                return m;
            }
        }
        return null;
    }

    private Data dataAt(List<LabeledSnapshot> snapshots, int k) {
        long p = groups.point(k);
        return snapshots.get((int) (p >>> 32)).snapshot().data().get((int) p);
    }

    /** Writes group {@code g}, points {@code [from, to)}, as one family (and a histogram's three gauge families). */
    private void writeFamily(List<LabeledSnapshot> snapshots, int g, Metric metric, int from, int to,
                             Map<String, String> units) throws IOException {
        int type = metric.typeCode();
        boolean counter = type == MetricType.COUNTER.code();
        boolean histogram = type == MetricType.HISTOGRAM.code();
        // The family name of a counter drops a trailing _total, which its sample puts back.
        int trim = counter && groups.nameEndsWith(g, TOTAL) ? TOTAL.length : 0;
        if (!metric.help().isEmpty()) {
            buf.writeBytes(WriteFrame.HELP);
            groups.writeName(buf, g, trim);
            buf.writeByte(' ');
            buf.writeString(metric.help(), Escape.LABEL_VALUE);
            buf.writeByte('\n');
        }
        buf.writeBytes(WriteFrame.TYPE);
        groups.writeName(buf, g, trim);
        buf.writeByte(' ');
        buf.writeBytes(TYPE_WORDS[type]);
        buf.writeByte('\n');
        if (!units.isEmpty()) {
            writeUnit(g, trim, units);
        }
        for (int k = from; k < to; k++) {
            long p = groups.point(k);
            int s = (int) (p >>> 32);
            Data d = snapshots.get(s).snapshot().data().get((int) p);
            int pointType = d.metric().typeCode();
            if (!MetricType.isKnown(pointType) || (pointType == MetricType.HISTOGRAM.code()) != histogram) {
                continue;
            }
            snapshotText.selectLabels(d, s);
            if (histogram) {
                writeHistogram(g, s, d.histogram());
            } else {
                groups.writeName(buf, g, trim);
                if (counter) {
                    buf.writeBytes(TOTAL);
                }
                snapshotText.writeLabelsAndSpace(buf);
                buf.writeNumber(d.number());
                snapshotText.writeTime(buf, s);
            }
        }
        if (histogram) {
            for (byte[] suffix : EXTRA_SUFFIXES) {
                writeExtraFamily(snapshots, g, suffix, from, to);
            }
        }
    }

    /** Writes {@code # UNIT} if the group has a unit and the family name ends with {@code _unit}. */
    private void writeUnit(int g, int trim, Map<String, String> units) throws IOException {
        String unit = units.get(groups.name(g));
        if (unit == null) {
            return;
        }
        String family = groups.name(g);
        family = family.substring(0, family.length() - trim);
        if (!family.endsWith("_" + unit)) {
            return;
        }
        buf.writeBytes(UNIT);
        groups.writeName(buf, g, trim);
        buf.writeByte(' ');
        buf.writeString(unit, Escape.NONE);
        buf.writeByte('\n');
    }

    private void writeHistogram(int g, int s, Histogram h) throws IOException {
        long cumulative = 0;
        for (Bucket b : h.buckets()) {
            cumulative += b.samples();
            frame.startBucket(g);
            writeBound(b.upperBound());
            frame.endBucket(cumulative, s);
        }
        groups.writeName(buf, g);
        buf.writeBytes(WriteFrame.COUNT);
        snapshotText.writeLabelsAndSpace(buf);
        buf.writeUnsigned(h.count());
        snapshotText.writeTime(buf, s);
        groups.writeName(buf, g);
        buf.writeBytes(WriteFrame.SUM);
        snapshotText.writeLabelsAndSpace(buf);
        buf.writeNumber(h.total());
        snapshotText.writeTime(buf, s);
    }

    /** Writes the gauge family {@code name + suffix} of the histogram points in {@code [from, to)}. */
    private void writeExtraFamily(List<LabeledSnapshot> snapshots, int g, byte[] suffix, int from, int to)
            throws IOException {
        buf.writeBytes(WriteFrame.TYPE);
        groups.writeName(buf, g);
        buf.writeBytes(suffix);
        buf.writeByte(' ');
        buf.writeBytes(GAUGE);
        buf.writeByte('\n');
        for (int k = from; k < to; k++) {
            long p = groups.point(k);
            int s = (int) (p >>> 32);
            Data d = snapshots.get(s).snapshot().data().get((int) p);
            if (d.metric().typeCode() != MetricType.HISTOGRAM.code()) {
                continue;
            }
            Histogram h = d.histogram();
            snapshotText.selectLabels(d, s);
            groups.writeName(buf, g);
            buf.writeBytes(suffix);
            snapshotText.writeLabelsAndSpace(buf);
            buf.writeNumber(suffix == EXTRA_SUFFIXES[0] ? h.min() : suffix == EXTRA_SUFFIXES[1] ? h.max() : h.ssd());
            snapshotText.writeTime(buf, s);
        }
    }

    /**
     * Writes a bucket bound as a canonical OpenMetrics float, as client_golang writes it: Go's
     * shortest {@code %g} with {@code .0} added where it has neither a point nor an exponent
     * ({@code 0.0}, {@code 1000.0}, {@code 0.5}, {@code 1e+06}, {@code +Inf}). Bounds below 10^6 in
     * magnitude that are whole numbers take no allocation; the others are formatted once per write
     * and value and then copied from a small cache.
     */
    private void writeBound(NumberValue bound) throws IOException {
        double v = switch (bound) {
            case NumberValue.IntValue(long i) -> i;
            case NumberValue.FloatValue(double f) -> f;
        };
        if (Math.rint(v) == v && Math.abs(v) < 1e6 && !(v == 0 && Double.doubleToRawLongBits(v) < 0)) {
            buf.writeLong((long) v);
            buf.writeBytes(INTEGRAL);
            return;
        }
        long bits = Double.doubleToRawLongBits(v);
        int slot = (int) (bits ^ bits >>> 32) & (BOUND_CACHE - 1);
        if (boundText[slot] == null || boundBits[slot] != bits) {
            boundBits[slot] = bits;
            boundText[slot] = TextEncoding.ascii(canonicalFloat(v));
        }
        buf.writeBytes(boundText[slot]);
    }

    /**
     * {@return {@code v} as OpenMetrics writes canonical numbers: Go's {@code strconv.FormatFloat(v,
     * 'g', -1, 64)}, plus {@code .0} when that has neither a point nor an exponent}
     *
     * @param v the value
     */
    static String canonicalFloat(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        String sign = v < 0 || v == 0 && Double.doubleToRawLongBits(v) < 0 ? "-" : "";
        if (v == 0) {
            return sign + "0.0";
        }
        // Double.toString gives the shortest digits that read back as v, as Go's shortest formatting does.
        BigDecimal d = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        String digits = d.unscaledValue().toString();
        int exp = digits.length() - 1 - d.scale();
        StringBuilder out = new StringBuilder(sign);
        if (exp < -4 || exp >= 6) {
            // Go's %e: one digit, the rest after a point, and a signed exponent of at least two digits.
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            int e = Math.abs(exp);
            out.append('e').append(exp < 0 ? '-' : '+').append(e < 10 ? "0" : "").append(e);
            return out.toString();
        }
        if (exp < 0) {
            out.append("0.").repeat('0', -exp - 1).append(digits);
        } else if (digits.length() <= exp + 1) {
            out.append(digits).repeat('0', exp + 1 - digits.length()).append(".0");
        } else {
            out.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, digits.length());
        }
        return out.toString();
    }
}
