// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.bench;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import runsc.metrics.exposition.ExpositionWriter;
import runsc.metrics.exposition.WriteOptions;

/**
 * Issue 4: our exposition writer against client_java's PrometheusTextFormatWriter on one
 * synthetic scrape of 200 sandboxes x 174 series (and, with {@code -p sandboxes=1,200}, of one
 * sandbox). One operation is one whole scrape; bench/writer-summary.py divides time and
 * {@code -prof gc}'s {@code gc.alloc.rate.norm} by the series count. Both write into a stream that
 * only counts bytes, so neither pays for a copy.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WriterBench {
    static final int SERIES_PER_SANDBOX = 174;

    /** Sandboxes in the scrape; 1 shows the cost per series when sorting the families is cheap. */
    @Param({"200"})
    public int sandboxes;

    private ScrapeData data;
    private MetricSnapshots clientJavaData;
    private final ExpositionWriter writer = new ExpositionWriter();
    private final PrometheusTextFormatWriter clientJava =
            PrometheusTextFormatWriter.create();
    private final CountingStream sink = new CountingStream();

    /** Builds both models once, outside the measured loop, and checks the data has the intended size. */
    @Setup
    public void setUp() throws IOException {
        data = ScrapeData.build(sandboxes);
        if (data.series != sandboxes * SERIES_PER_SANDBOX) {
            throw new IllegalStateException("expected " + sandboxes * SERIES_PER_SANDBOX + " series, built " + data.series);
        }
        clientJavaData = data.toClientJava();
    }

    /** Ours, with one writer reused across scrapes (its buffers are warm). */
    @Benchmark
    public long ours() throws IOException {
        return writer.write(sink, WriteOptions.DEFAULT, data.snapshots);
    }

    /** Ours, with a new writer per scrape (its 32 KiB buffer and scratch arrays allocated each time). */
    @Benchmark
    public long oursFreshWriter() throws IOException {
        return new ExpositionWriter().write(sink, WriteOptions.DEFAULT, data.snapshots);
    }

    /** client_java 1.3.10's text writer on the same data, converted to its model once. */
    @Benchmark
    public long clientJava() throws IOException {
        long before = sink.count;
        clientJava.write(sink, clientJavaData);
        return sink.count - before;
    }

    /** Counts bytes and drops them. */
    static final class CountingStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
