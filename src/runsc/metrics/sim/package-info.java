// SPDX-License-Identifier: Apache-2.0

/**
 * Simulated gVisor sandboxes that look like real ones to a metric server: each writes a runsc state
 * file and an empty lock file into a root directory and serves urpc on a control socket, answering
 * {@code Metrics.Export}, {@code Metrics.GetRegisteredMetrics},
 * {@code containerManager.ContainerRuntimeState} and {@code containerManager.Event} (resource
 * usage that grows over time) with the bytes a real 2024 sandbox sends.
 *
 * <p>{@link runsc.metrics.sim.SimulatedSandbox} is one sandbox, {@link runsc.metrics.sim.Simulation}
 * many in one process (one virtual thread per listener and per connection). {@link
 * runsc.metrics.sim.Fault} makes a sandbox misbehave (stall, slow, garbage, close, huge, regress,
 * dead); {@link runsc.metrics.sim.ReplyScript} lets a test dictate every {@code Metrics.Export}
 * reply. Used by the {@code simulate} and {@code demo} subcommands, tests and benchmarks.
 */
package runsc.metrics.sim;
