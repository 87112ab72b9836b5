#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Pathological filter patterns (nested quantifiers, huge alternations, a 100 KB pattern, large
# counts) against metric-server at SANDBOXES (1000) simulated sandboxes: per request status, wall
# time and server CPU; plain /metrics latency alone and beside 7 attacking clients, from another
# address (another client) and from its own.
. bench/common.sh
n=${SANDBOXES:-1000}
{
    header filter-attack "$JAVA -Dbench.sandboxes=$n -cp CP runsc.metrics.bench.FilterAttack"
    "$JAVA" -Dbench.sandboxes="$n" -cp "$CP" runsc.metrics.bench.FilterAttack
    echo "# after: $(uptime | sed 's/.*load/load/')"
} > "$OUT/filter-attack.txt"
cat "$OUT/filter-attack.txt"
