#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Churn soak: metric-server on a Unix socket while simulated sandboxes come and go (some faulty),
# one scrape a second for SECONDS (300); server fds and RSS at the start and the end.
. bench/common.sh
seconds=${SECONDS_SOAK:-300}
{
    header churn-soak "$JAVA -Dbench.seconds=$seconds -cp CP runsc.metrics.bench.ChurnSoak"
    "$JAVA" -Dbench.seconds="$seconds" -cp "$CP" runsc.metrics.bench.ChurnSoak
    echo "# after: $(uptime | sed 's/.*load/load/')"
} > "$OUT/churn-soak.txt"
cat "$OUT/churn-soak.txt"
