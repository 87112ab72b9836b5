#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Issue 14: response bytes and CPU per scrape with and without gzip at 10, 100 and 1000 sandboxes
# (ScrapeData, 174 series each), writing and compressing measured A/B in one loop.
# Environment: SIZES (comma list), ROUNDS (measured rounds, 30).
. bench/common.sh
sizes=${SIZES:-10,100,1000}
rounds=${ROUNDS:-30}
{
    header gzip "$JAVA -Dbench.sizes=$sizes -Dbench.rounds=$rounds -cp CP runsc.metrics.bench.GzipCost"
    "$JAVA" -Dbench.sizes="$sizes" -Dbench.rounds="$rounds" -cp "$CP" runsc.metrics.bench.GzipCost
    echo "# after: $(uptime | sed 's/.*load/load/')"
} > "$OUT/gzip.txt"
cat "$OUT/gzip.txt"
