// SPDX-License-Identifier: Apache-2.0

/**
 * runsc-metrics: a JDK-only implementation of gVisor's {@code runsc metric-server} and
 * {@code runsc export-metrics}.
 *
 * <p>It finds gVisor sandboxes in a runsc root directory, reads their state files under the same
 * {@code flock(2)} locks runsc takes, asks each sandbox for a metric snapshot over its control
 * socket (urpc: JSON over an {@code AF_UNIX} stream socket), verifies the snapshot against the
 * sandbox's registration, and writes the Prometheus text format, byte-compatible with upstream.
 *
 * <p>One package per concern, dependencies pointing down; docs/architecture.md lists them and
 * what each holds.
 *
 * <pre>
 * runsc-metrics [--root=DIR] --metric-server=ADDR metric-server [--exporter-prefix=runsc_] [--pid-file=F] [--allow-unknown-root]
 * runsc-metrics [--root=DIR] export-metrics [--exporter-prefix=runsc_] [--sandbox-metrics-filter=RE] [--no-timestamps] ID
 * runsc-metrics [--root=DIR] [--metric-server=ADDR] simulate [--sandboxes=N] [--fault=ID:MODE ...]
 * runsc-metrics demo [--metric-server=ADDR]
 * runsc-metrics help [SUBCOMMAND] | --version
 * </pre>
 */
module runsc.metrics {
    requires jdk.httpserver;
    requires jdk.net; // SO_PEERCRED: the Unix socket shares its connection cap out per peer user
    requires jdk.unsupported; // sun.misc.Signal: exit 0 after a graceful stop on SIGINT or SIGTERM, as runsc
}
