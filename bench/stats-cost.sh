#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Issue 15: CPU-seconds to collect every sandbox's resource usage once, one scrape of
# metric-server --resource-stats against N runsc events --stats processes (CPU_SIZES, 20,100), and
# the latency and bytes --resource-stats adds to GET /metrics (SIZES, 10,100,1000), on simulated
# sandboxes. Needs runsc from `make runsc` (real runsc reads simulated sandboxes).
. bench/common.sh
cpu_sizes=${CPU_SIZES:-20,100}
sizes=${SIZES:-10,100,1000}
runsc=$BUILD/runsc/usr/bin/runsc
[ -x "$runsc" ] || runsc=$BUILD/runsc/usr/sbin/runsc
if [ ! -x "$runsc" ]; then
    echo "bench: skipping stats-cost: no runsc under $BUILD/runsc (run make runsc)" >&2
    exit 0
fi
{
    header stats-cost "$JAVA -Dbench.cpuSizes=$cpu_sizes -Dbench.sizes=$sizes -Dbench.runsc=$runsc -cp CP runsc.metrics.bench.StatsCost"
    "$JAVA" -Dbench.cpuSizes="$cpu_sizes" -Dbench.sizes="$sizes" -Dbench.runsc="$runsc" -cp "$CP" runsc.metrics.bench.StatsCost
    echo "# after: $(uptime | sed 's/.*load/load/')"
} > "$OUT/stats-cost.txt"
cat "$OUT/stats-cost.txt"
