#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Issue 5: GET /metrics latency over TCP against metric-server serving 10, 100, 1000 simulated
# sandboxes (SERIES filler series each), 1 and 8 scrapers, and the server's RSS.
# Environment: SERIES (filler series per sandbox), WARMUP (untimed scrapes first, 10), SERVER_OPTS (RUNSC_METRICS_JAVA_OPTS for the
# metric server), SIZES (comma list), BENCH_SECONDS (time budget per run, 20), NAME (result file name,
# default scrape).
. bench/common.sh
series=${SERIES:-20}
sizes=${SIZES:-10,100,1000}
name=${NAME:-scrape}
seconds=${BENCH_SECONDS:-20}
warmup=${WARMUP:-10}
{
    header "$name" "$JAVA -Dbench.series=$series -Dbench.sizes=$sizes -Dbench.seconds=$seconds -Dbench.warmup=$warmup -Dbench.javaOpts='${SERVER_OPTS:-}' -cp CP runsc.metrics.bench.ScrapeLatency"
    "$JAVA" -Dbench.series="$series" -Dbench.sizes="$sizes" -Dbench.seconds="$seconds" -Dbench.warmup="$warmup" -Dbench.javaOpts="${SERVER_OPTS:-}" -cp "$CP" runsc.metrics.bench.ScrapeLatency
    echo "# after: $(uptime | sed 's/.*load/load/')"
} > "$OUT/$name.txt"
cat "$OUT/$name.txt"
