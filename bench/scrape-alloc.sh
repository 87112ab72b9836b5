#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Issue 12: heap bytes a scrape allocates, per scrape and per sandbox, at 10, 100 and 1000 simulated
# sandboxes (ScrapeAllocation), with the split by stage: export (receive and decode), verify, write and the rest.
# The metric server runs in the driver's JVM with the launcher's collector and a heap that fits 1000
# sandboxes (what a scrape allocates does not depend on the heap); the simulator runs in a JVM of its own.
# Environment: SIZES (comma list), WARMUP (unmeasured scrapes first, 60: fewer leave the JIT part-way and the figures higher), SCRAPES (measured scrapes, 20).
. bench/common.sh
sizes=${SIZES:-10,100,1000}
warmup=${WARMUP:-60}
scrapes=${SCRAPES:-20}
opts="-XX:+UseSerialGC -Xmx128m --enable-native-access=ALL-UNNAMED"
{
    header scrape-alloc "$JAVA $opts -Dbench.sizes=$sizes -Dbench.warmup=$warmup -Dbench.scrapes=$scrapes -cp CP runsc.metrics.bench.ScrapeAllocation"
    # shellcheck disable=SC2086
    "$JAVA" $opts -Dbench.sizes="$sizes" -Dbench.warmup="$warmup" -Dbench.scrapes="$scrapes" \
        -Dbench.classes="$BUILD/classes" -cp "$CP" runsc.metrics.bench.ScrapeAllocation
    echo "# after: $(uptime | sed 's/.*load/load/')"
} > "$OUT/scrape-alloc.txt"
cat "$OUT/scrape-alloc.txt"
