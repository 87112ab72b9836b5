// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import runsc.metrics.exposition.ExpositionWriter;
import runsc.metrics.exposition.WriteOptions;
import runsc.metrics.server.http.GzipEncoding;
import runsc.metrics.server.http.HttpHeaders;
import runsc.metrics.server.http.HttpRequest;
import runsc.metrics.server.http.HttpResponse;
import runsc.metrics.server.http.Router;

/**
 * Issue 14: what gzip costs per scrape. For 10, 100 and 1000 sandboxes of {@link ScrapeData}, the
 * response bytes with and without gzip, and the CPU time of the thread per scrape for writing the
 * exposition and for {@link GzipEncoding#apply} as the router calls it, measured A/B in the same
 * loop (write, then gzip, alternately) so that load on the machine hits both alike; beside them,
 * gzip at level 6 on the same body, the alternative to the served level 1. Prints medians.
 * System properties: {@code bench.sizes} (comma list), {@code bench.rounds} (measured rounds, after
 * as many unmeasured ones).
 */
public final class GzipCost {
    private GzipCost() {}

    /**
     * Runs the measurement.
     *
     * @param args unused
     * @throws IOException if the metadata sample cannot be read
     */
    public static void main(String[] args) throws IOException {
        int rounds = Integer.getInteger("bench.rounds", 30);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        HttpRequest gzip = HttpRequest.of("GET", "/metrics", HttpHeaders.of("Accept-Encoding", "gzip"), new byte[0]);
        System.out.println("sandboxes  series  plain_bytes  gzip_bytes  ratio  write_cpu_ms  gzip_cpu_ms  gzip/write"
                + "  level6_bytes  level6_cpu_ms");
        for (String size : System.getProperty("bench.sizes", "10,100,1000").split(",")) {
            ScrapeData data = ScrapeData.build(Integer.parseInt(size.trim()));
            ExpositionWriter writer = new ExpositionWriter();
            long[] writeNanos = new long[rounds];
            long[] gzipNanos = new long[rounds];
            long[] fastNanos = new long[rounds];
            int fastBytes = 0;
            int plainBytes = 0;
            int gzipBytes = 0;
            for (int r = -rounds; r < rounds; r++) {
                ByteArrayOutputStream body = new ByteArrayOutputStream(1 << 20);
                long t0 = cpu.getCurrentThreadCpuTime();
                writer.write(body, WriteOptions.DEFAULT, data.snapshots);
                long t1 = cpu.getCurrentThreadCpuTime();
                HttpResponse sent = GzipEncoding.apply(gzip, HttpResponse.of(200, Router.METRICS_CONTENT_TYPE, body.toByteArray()));
                long t2 = cpu.getCurrentThreadCpuTime();
                fastBytes = fastest(body);
                long t3 = cpu.getCurrentThreadCpuTime();
                if (r >= 0) {
                    writeNanos[r] = t1 - t0;
                    gzipNanos[r] = t2 - t1;
                    fastNanos[r] = t3 - t2;
                }
                plainBytes = body.size();
                gzipBytes = sent.bodyLength();
            }
            double write = median(writeNanos) / 1e6;
            double compress = median(gzipNanos) / 1e6;
            System.out.printf("%9s  %6d  %11d  %10d  %5.1f  %12.2f  %11.2f  %10.2f  %12d  %13.2f%n", size.trim(), data.series,
                    plainBytes, gzipBytes, (double) plainBytes / gzipBytes, write, compress, compress / write, fastBytes,
                    median(fastNanos) / 1e6);
        }
    }

    /** The alternative measured beside the served level 1: the JDK's default level 6 (client_java's, promhttp's). */
    private static int fastest(ByteArrayOutputStream body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.size() / 4 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 8192) {
            {
                def.setLevel(6);
            }
        }) {
            body.writeTo(gzip);
        }
        return out.size();
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
