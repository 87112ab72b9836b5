#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Issue 4: export-metrics wall time on one real sandbox: runsc-metrics vs runsc vs the image JVM's
# Hello World, interleaved. Args: ROUNDS (default 20). Needs root and `make runsc`.
. bench/common.sh
real_ok export-wall || { echo "skipped: needs root and runsc" > "$OUT/export-wall.txt"; exit 0; }
rounds=${1:-20}
{
    header export-wall "$JAVA -cp CP runsc.metrics.bench.ExportWallTime $rounds"
    "$JAVA" -cp "$CP" runsc.metrics.bench.ExportWallTime "$rounds"
    echo "# after: $(uptime | sed 's/.*load/load/')"
} > "$OUT/export-wall.txt"
cat "$OUT/export-wall.txt"
