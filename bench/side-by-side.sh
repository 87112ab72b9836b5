#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Issue 12: this product's metric-server and upstream's Go metric server on the same simulated
# sandboxes over one Unix socket path, alternately (ours, Go, ours, Go), per size: time to ready,
# server CPU per scrape cold and warm, p50, peak RSS; the simulator's CPU apart.
# Needs GO_METRIC_SERVER=path of upstream's binary (built by ../upstream/build-go-metric-server.sh,
# which prints it); skips with a message without it.
# Environment: SIZES (10,100,1000; empty for none), ROUNDS (2), SERIES (filler series, 0), HISTOGRAM (1 for
# --histogram), COLD (30), WARMUP (270), WARMUP_BUDGET (s, 120), WARM (30), START_LIMIT (s from a server's
# start to its first full scrape, 300), SERVER_OPTS
# (RUNSC_METRICS_JAVA_OPTS for ours), VARIANTS (more of our servers with other options, run in
# every round: 'name=OPTIONS|name=OPTIONS'; with it the Go server may be left out), NAME (result
# file, side-by-side). The default run adds 5 000
# sandboxes of 50 series (SIZES_BIG; SERIES_BIG, 20, and HISTOGRAM_BIG, 0) as NAME-5000; SIZES_BIG= skips it.
# No histogram by default: upstream cannot decode the simulator's infinite bucket bound, so with
# --histogram its server reports every sandbox broken and never serves a full scrape.
. bench/common.sh
if { [ -z "${GO_METRIC_SERVER:-}" ] || [ ! -x "$GO_METRIC_SERVER" ]; } && [ -z "${VARIANTS:-}" ]; then
    echo "bench: skipping side-by-side: set GO_METRIC_SERVER to upstream's Go metric server (../upstream/build-go-metric-server.sh prints its path)" >&2
    exit 0
fi
# The simulator holds one listening socket per sandbox.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
name=${NAME:-side-by-side}
run() { # NAME SIZES SERIES HISTOGRAM
    props="-Dbench.go=${GO_METRIC_SERVER:-} -Dbench.sizes=$2 -Dbench.series=$3 -Dbench.histogram=$4 -Dbench.rounds=${ROUNDS:-2}
        -Dbench.cold=${COLD:-30} -Dbench.warmup=${WARMUP:-270} -Dbench.warmupBudget=${WARMUP_BUDGET:-120} -Dbench.warm=${WARM:-30} -Dbench.startLimit=${START_LIMIT:-300}"
    {
        header "$1" "$JAVA $props -Dbench.javaOpts='${SERVER_OPTS:-}' -Dbench.variants='${VARIANTS:-}' -cp CP runsc.metrics.bench.SideBySide"
        # $props is split into words on purpose; no value in it holds a space.
        # shellcheck disable=SC2086
        "$JAVA" $props -Dbench.javaOpts="${SERVER_OPTS:-}" -Dbench.variants="${VARIANTS:-}" -cp "$CP" runsc.metrics.bench.SideBySide
        echo "# after: $(uptime | sed 's/.*load/load/')"
    } > "$OUT/$1.txt"
    cat "$OUT/$1.txt"
}
hist=false
[ "${HISTOGRAM:-}" = 1 ] && hist=true
sizes=${SIZES-10,100,1000}
if [ -n "$sizes" ]; then
    run "$name" "$sizes" "${SERIES:-0}" "$hist"
fi
big=${SIZES_BIG-5000}
if [ -n "$big" ]; then
    hist_big=false
    [ "${HISTOGRAM_BIG:-0}" = 1 ] && hist_big=true
    run "$name-$big" "$big" "${SERIES_BIG:-20}" "$hist_big"
fi
