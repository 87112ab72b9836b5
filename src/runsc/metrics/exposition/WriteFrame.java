// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * What {@link ExpositionWriter} and {@link OpenMetricsWriter} share: the parts they reuse from one
 * write to the next ({@link TextBuffer}, {@link SnapshotChecker}, {@link SnapshotText},
 * {@link GroupOrder}), the frame of a write (check every snapshot before the first byte, the
 * format's body, the trailer, the end line, and the parts released whatever happens), and the
 * words and bucket-line pieces that both formats spell alike. Not thread-safe, as the writers.
 */
final class WriteFrame {
    /** The body of one write, between the check and the trailer. */
    @FunctionalInterface
    interface Body {
        /**
         * Writes the format's lines into the frame's buffer.
         *
         * @throws IOException if the stream fails
         */
        void write() throws IOException;
    }

    /** The start of a HELP line, in both formats. */
    static final byte[] HELP = TextEncoding.ascii("# HELP ");
    /** The start of a TYPE line, in both formats. */
    static final byte[] TYPE = TextEncoding.ascii("# TYPE ");
    /** The suffix of a histogram's sum sample, in both formats. */
    static final byte[] SUM = TextEncoding.ascii("_sum");
    /** The suffix of a histogram's count sample, in both formats. */
    static final byte[] COUNT = TextEncoding.ascii("_count");
    private static final byte[] BUCKET = TextEncoding.ascii("_bucket");
    private static final byte[] LE = TextEncoding.ascii("le=\"");

    final TextBuffer buf = new TextBuffer();
    final SnapshotText snapshotText = new SnapshotText();
    final GroupOrder groups = new GroupOrder();
    private final SnapshotChecker checker = new SnapshotChecker();

    /**
     * Checks the snapshots, then writes {@code body}, {@code trailer} as it is and {@code end}.
     *
     * @param out the stream to write to; flushed, not closed
     * @param snapshots the snapshots; none writes nothing at all
     * @param trailer more text of the format, complete lines, already valid; "" for none
     * @param end the format's last line
     * @param body writes the snapshots' lines
     * @return the number of bytes written
     * @throws InvalidSnapshotException if a snapshot fails {@link ExpositionWriter#check}; nothing was written
     * @throws IOException if the stream fails
     */
    long write(OutputStream out, List<LabeledSnapshot> snapshots, String trailer, byte[] end, Body body)
            throws IOException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(trailer, "trailer");
        if (snapshots.isEmpty()) {
            return 0;
        }
        checker.checkAll(snapshots);
        buf.open(out);
        try {
            body.write();
            if (!trailer.isEmpty()) {
                buf.writeBytes(trailer.getBytes(StandardCharsets.UTF_8));
            }
            buf.writeBytes(end);
            return buf.finish();
        } finally {
            // Drop references so that the reused parts do not keep the stream or the snapshots alive.
            buf.release();
            snapshotText.release();
            groups.release();
        }
    }

    /** Starts a bucket line of group {@code g}: {@code name_bucket{labels,le="}, for the selected labels. */
    void startBucket(int g) throws IOException {
        groups.writeName(buf, g);
        buf.writeBytes(BUCKET);
        buf.writeByte('{');
        if (!snapshotText.noLabels()) {
            snapshotText.writeLabels(buf);
            buf.writeByte(',');
        }
        buf.writeBytes(LE);
    }

    /** Ends a bucket line after its bound: {@code "} cumulative}, then snapshot {@code s}'s time and LF. */
    void endBucket(long cumulative, int s) throws IOException {
        buf.writeByte('"');
        buf.writeByte('}');
        buf.writeByte(' ');
        buf.writeUnsigned(cumulative);
        snapshotText.writeTime(buf, s);
    }
}
