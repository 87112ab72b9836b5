// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.io.IOException;
import java.io.OutputStream;
import runsc.metrics.gotext.GoText;

/**
 * The writer's output: one reusable buffer of {@link ExpositionWriter#BUFFER_SIZE} bytes in front
 * of the caller's stream, written to it when full and at the end. Strings and numbers are encoded
 * by {@link TextEncoding} straight into the buffer, so a line costs no allocation (except
 * {@link java.math.BigDecimal} for a float whose rounding to six decimals double arithmetic cannot
 * settle, {@link GoText#roundedMicros}). Errors of the stream are thrown at
 * once.
 */
final class TextBuffer {
    private static final byte[] ZEROS = TextEncoding.ascii(".000000");

    private final byte[] buf = new byte[ExpositionWriter.BUFFER_SIZE];
    private OutputStream out;
    private int pos;
    private long flushed;

    /** Starts a write to {@code out}. */
    void open(OutputStream out) {
        this.out = out;
        this.pos = 0;
        this.flushed = 0;
    }

    /** Writes what is buffered, flushes the stream, and returns the bytes written since {@link #open}. */
    long finish() throws IOException {
        flushBuffer();
        out.flush();
        return flushed;
    }

    /** Drops the stream, so that a reused instance does not keep it alive. */
    void release() {
        out = null;
    }

    void writeByte(char b) throws IOException {
        if (pos == buf.length) {
            flushBuffer();
        }
        buf[pos++] = (byte) b;
    }

    void writeBytes(byte[] bytes) throws IOException {
        writeBytes(bytes, 0, bytes.length);
    }

    void writeBytes(byte[] bytes, int off, int len) throws IOException {
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

    /** Writes an int in decimal, a float as Go's {@code %f}, zero as {@code 0}. */
    void writeNumber(NumberValue value) throws IOException {
        switch (value) {
            case NumberValue.IntValue(long v) -> writeLong(v);
            case NumberValue.FloatValue(double v) -> writeFloat(v);
        }
    }

    private void writeFloat(double v) throws IOException {
        if (Math.rint(v) == v && Math.abs(v) < 0x1p53) {
            writeLong((long) v);
            writeBytes(ZEROS);
            return;
        }
        long micros = Double.isFinite(v) ? GoText.roundedMicros(v) : GoText.NOT_SAFE;
        if (micros == GoText.NOT_SAFE) {
            writeAscii(GoText.formatFloat(v));
            return;
        }
        // Go keeps the sign of a negative value that rounds to zero: -0.000000.
        if (v < 0) {
            writeByte('-');
        }
        long whole = Math.abs(micros);
        writeLong(whole / 1_000_000);
        if (buf.length - pos < 7) {
            flushBuffer();
        }
        buf[pos++] = '.';
        long fraction = whole % 1_000_000;
        for (int i = pos + 5; i >= pos; i--) {
            buf[i] = (byte) ('0' + fraction % 10);
            fraction /= 10;
        }
        pos += 6;
    }

    /** Writes {@code v} as an unsigned 64-bit value, as bucket counts are. */
    void writeUnsigned(long v) throws IOException {
        if (v >= 0) {
            writeLong(v);
        } else {
            writeAscii(Long.toUnsignedString(v));
        }
    }

    void writeLong(long v) throws IOException {
        if (buf.length - pos < TextEncoding.MAX_LONG_LENGTH) {
            flushBuffer();
        }
        pos = TextEncoding.putLong(v, buf, pos);
    }

    void writeAscii(String s) throws IOException {
        writeString(s, 0, s.length(), Escape.NONE);
    }

    void writeString(String s, Escape mode) throws IOException {
        writeString(s, 0, s.length(), mode);
    }

    /** Encodes {@code s[from, to)} into the buffer in chunks that are sure to fit. */
    void writeString(String s, int from, int to, Escape mode) throws IOException {
        while (from < to) {
            if (buf.length - pos < 8) {
                flushBuffer();
            }
            int chunk = Math.min(to - from, (buf.length - pos) / 3 - 1);
            int end = from + chunk;
            if (end < to && Character.isHighSurrogate(s.charAt(end - 1))) {
                end++; // keep a surrogate pair together; the slack of one char covers it
            }
            pos = TextEncoding.encode(s, from, end, mode, buf, pos);
            from = end;
        }
    }

    private void flushBuffer() throws IOException {
        if (pos > 0) {
            out.write(buf, 0, pos);
            flushed += pos;
            pos = 0;
        }
    }
}
