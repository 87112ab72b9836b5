// SPDX-License-Identifier: Apache-2.0
/**
 * The tests' one set of shared helpers: {@link runsc.metrics.testing.ProjectFiles} (files of the
 * checkout, found without the working directory), {@link runsc.metrics.testing.RuntimeImage} (the
 * built image and its launcher), {@link runsc.metrics.testing.Proc} and
 * {@link runsc.metrics.testing.ProcResult} (running a command with a deadline),
 * {@link runsc.metrics.testing.ScratchDir} (short directories, {@code deleteTree}, the
 * {@code @TempDir} factory), {@link runsc.metrics.testing.Tools} (tools on {@code PATH}, waiting),
 * {@link runsc.metrics.testing.Daemon} (a background process, stopped with its descendants on
 * close), {@link runsc.metrics.testing.Property} (property checks), and the fixtures that drive the real
 * gVisor {@code runsc} binary (Debian's 0.0~20240729, unpacked by {@code make runsc} into
 * {@code build/runsc/}).
 *
 * <p>{@link runsc.metrics.testing.RealRunsc} finds the binary, decides whether real sandboxes can
 * run here (root, binary present, a probe sandbox starts) and runs one-shot commands such as
 * {@code export-metrics}. {@link runsc.metrics.testing.RealRoot} is a private, short runsc root
 * directory under {@code /tmp} that starts {@link runsc.metrics.testing.RealSandbox}es and removes
 * all of them and itself when closed, so a failing test leaves no sandbox, cgroup or file behind.
 *
 * <pre>{@code
 * RealRunsc.assumeAvailable();                      // skips the test with a reason otherwise
 * try (RealRoot root = RealRoot.create()) {
 *     RealSandbox sb1 = root.start(SandboxSpec.pod("sb1", "web-0", "prod"));
 *     ProcResult export = RealRunsc.exportMetrics(root.path(), "sb1");
 * }
 * }</pre>
 */
package runsc.metrics.testing;
