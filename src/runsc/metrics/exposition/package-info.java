// SPDX-License-Identifier: Apache-2.0

/**
 * Metric data model, sandbox registration model, snapshot verifier and the Prometheus text
 * writer, byte-compatible with gVisor's {@code pkg/prometheus}.
 *
 * <p>Data flows in one direction: a sandbox's {@link runsc.metrics.exposition.Snapshot} (a list of
 * {@link runsc.metrics.exposition.Data} points) is checked by a
 * {@link runsc.metrics.exposition.Verifier} built from the sandbox's
 * {@link runsc.metrics.exposition.MetricRegistration}, then written by an
 * {@link runsc.metrics.exposition.ExpositionWriter} together with the
 * {@link runsc.metrics.exposition.PrefixAndLabels} (prefix and identity labels) of that sandbox.
 * The Go text forms (numbers, times, maps) the output shares with upstream come from
 * {@code runsc.metrics.gotext}.
 *
 * <p>This package uses only {@code java.base} and the project's {@code runsc.metrics.json} and
 * {@code runsc.metrics.gotext}.
 */
package runsc.metrics.exposition;
