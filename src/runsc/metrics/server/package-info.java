// SPDX-License-Identifier: Apache-2.0

/**
 * The metric server: which sandboxes to serve ({@link runsc.metrics.server.SandboxDiscovery}), how
 * one scrape queries them ({@link runsc.metrics.server.Scraper}), the server's own metrics
 * ({@link runsc.metrics.server.SelfMetrics}), the {@code /metrics} body
 * ({@link runsc.metrics.server.ScrapeBodyWriter}) and the process lifecycle
 * ({@link runsc.metrics.server.MetricServer}); and {@code export-metrics}' one snapshot
 * ({@link runsc.metrics.server.OneShotExport}), which queries a sandbox the same way. HTTP itself
 * lives in {@code server.http} and its two transport adapters.
 */
package runsc.metrics.server;
