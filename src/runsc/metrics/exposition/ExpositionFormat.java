// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

/** The two exposition formats a scrape can be written in, with the {@code Content-Type} of each. */
public enum ExpositionFormat {
    /** The Prometheus text format 0.0.4, upstream's bytes ({@link ExpositionWriter}). */
    TEXT("text/plain; version=0.0.4; charset=utf-8"),
    /** OpenMetrics 1.0.0 text ({@link OpenMetricsWriter}). */
    OPENMETRICS("application/openmetrics-text; version=1.0.0; charset=utf-8");

    private final String contentType;

    ExpositionFormat(String contentType) {
        this.contentType = contentType;
    }

    /** {@return the {@code Content-Type} of a body in this format} */
    public String contentType() {
        return contentType;
    }
}
