// SPDX-License-Identifier: Apache-2.0
/**
 * Test fixtures that drive the real gVisor {@code runsc} binary (Debian's 0.0~20240729, unpacked by
 * {@code make runsc} into {@code build/runsc/}).
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
 *     RunscResult export = RealRunsc.exportMetrics(root.path(), "sb1");
 * }
 * }</pre>
 */
package runsc.metrics.testing;
