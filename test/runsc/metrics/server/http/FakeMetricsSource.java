// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import runsc.metrics.testing.ProjectFiles;

/** A metrics source that writes fixed bytes and remembers every query. */
final class FakeMetricsSource implements MetricsSource {
    static final Path SAMPLE = ProjectFiles.sample("upstream-metric-server-output.txt");

    final List<MetricsQuery> queries = new CopyOnWriteArrayList<>();
    private final byte[] body;

    FakeMetricsSource(byte[] body) {
        this.body = body.clone();
    }

    static FakeMetricsSource text(String body) {
        return new FakeMetricsSource(body.getBytes(StandardCharsets.UTF_8));
    }

    static FakeMetricsSource sample() throws IOException {
        return new FakeMetricsSource(Files.readAllBytes(SAMPLE));
    }

    @Override
    public void writeMetrics(MetricsQuery query, OutputStream out) throws IOException {
        queries.add(query);
        out.write(body);
    }
}
