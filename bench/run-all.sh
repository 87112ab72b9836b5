#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs every benchmark of BENCHMARKS.md one after the other; results in build/bench/*.txt.
# The real-sandbox ones skip themselves (with a message) without root or runsc, side-by-side without
# GO_METRIC_SERVER.
set -eu
for b in writer export-wall control-rtt sim-scale scrape scrape-alloc gzip side-by-side filter-attack churn-soak stats-cost; do
    echo "== bench: $b"
    sh "bench/$b.sh"
done
