#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Pathological filter patterns (nested quantifiers, huge alternations, a 100 KB pattern, large
# counts) against metric-server at SANDBOXES (1000) simulated sandboxes: per request status, wall
# time and server CPU; plain /metrics latency in ROUNDS (3) rounds of: alone, beside one honest
# client scraping plain /metrics in a loop, beside 7 attacking clients (both from another address:
# another client); last, the attackers once from the plain scrapes' own address. The other
# clients' answers are tallied by status, 429 (refusal budget spent) and "closed before an answer"
# among them.
. bench/common.sh
n=${SANDBOXES:-1000}
rounds=${ROUNDS:-3}
{
    header filter-attack "$JAVA -Dbench.sandboxes=$n -Dbench.rounds=$rounds -cp CP runsc.metrics.bench.FilterAttack"
    "$JAVA" -Dbench.sandboxes="$n" -Dbench.rounds="$rounds" -cp "$CP" runsc.metrics.bench.FilterAttack
    echo "# after: $(uptime | sed 's/.*load/load/')"
} > "$OUT/filter-attack.txt"
cat "$OUT/filter-attack.txt"
