// SPDX-License-Identifier: Apache-2.0
/**
 * End-to-end tests with real parts: the built launcher ({@code build/image/bin/runsc-metrics}, or
 * the image named by the system property {@code runsc.metrics.image}) run as a subprocess, against
 * real gVisor sandboxes and the real {@code runsc} binary, and read by real clients: {@code curl},
 * {@code socat}, a Prometheus server and {@code promtool}.
 *
 * <p>Every subprocess has a deadline and is killed when its test ends; every server listens on
 * {@code 127.0.0.1} or on a Unix socket in a short private directory under {@code /tmp} that is
 * removed afterwards. A test whose tool is missing, or that needs root for real sandboxes, is
 * skipped with the reason (see {@link runsc.metrics.testing.Tools}).
 */
package runsc.metrics.integration;
