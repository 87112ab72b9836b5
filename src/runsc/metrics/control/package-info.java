// SPDX-License-Identifier: Apache-2.0

/**
 * The client side of gVisor's urpc control protocol: one JSON request and one JSON reply object over
 * an {@code AF_UNIX} stream socket, one connection per call, with one overall deadline on connect,
 * write and read, and caps on reply size and nesting.
 *
 * <p>{@link runsc.metrics.control.ControlClient} makes the calls the metric server and
 * {@code export-metrics} need ({@code Metrics.Export}, {@code containerManager.GetSavings}, and
 * {@code containerManager.Event} for {@link runsc.metrics.control.ContainerStats}) and decodes the
 * replies into the exposition model. Whatever a
 * sandbox sends, the only failure a caller sees is {@link runsc.metrics.control.ControlException}:
 * sandboxes are untrusted once started. {@link runsc.metrics.control.FilterCheck} is the client-side
 * re-check that every returned metric matches the requested filter.
 */
package runsc.metrics.control;
