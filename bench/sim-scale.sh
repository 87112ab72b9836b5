#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Issue 3: fds and RSS of one `runsc-metrics simulate --sandboxes=N` process (default 1000).
. bench/common.sh
n=${1:-1000}
{
    header sim-scale "$JAVA -cp CP runsc.metrics.bench.SimulatorScale $n"
    "$JAVA" -cp "$CP" runsc.metrics.bench.SimulatorScale "$n"
    echo "# after: $(uptime | sed 's/.*load/load/')"
} > "$OUT/sim-scale.txt"
cat "$OUT/sim-scale.txt"
