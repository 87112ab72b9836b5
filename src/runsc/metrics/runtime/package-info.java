// SPDX-License-Identifier: Apache-2.0

/**
 * The runsc runtime root directory: state-file names, {@code flock(2)} locking, state-file
 * decoding, sandbox liveness, and the values derived from state files (identity labels,
 * capabilities, spec metadata, control socket path).
 *
 * <p>Entry points: {@link runsc.metrics.runtime.RuntimeRoot} lists a root directory,
 * {@link runsc.metrics.runtime.StateReader} reads one container's state file under its lock,
 * {@link runsc.metrics.runtime.SandboxLoader} loads a sandbox's root container or all of its
 * containers, {@link runsc.metrics.runtime.IdResolver} resolves the partial IDs of the command
 * line, and {@link runsc.metrics.runtime.Liveness} answers {@code kill(pid, 0)}.
 *
 * <p>Files of the root are opened without blocking and read only if they are regular files
 * ({@code RootFile}), so a FIFO or device there is refused, never waited on. All native calls
 * ({@code openat}, {@code fstat}, {@code read}, {@code flock}, {@code close}, {@code kill}) go
 * through FFM in one class, so the module needs {@code --enable-native-access}.
 */
package runsc.metrics.runtime;
