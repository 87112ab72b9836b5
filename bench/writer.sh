#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Issue 4: ExpositionWriter vs client_java's PrometheusTextFormatWriter, JMH with -prof gc.
# One op is one scrape (1 or 200 sandboxes x 174 series); writer-summary.py reports per series. Extra JMH flags may follow.
. bench/common.sh
cmd="$JAVA -cp CP org.openjdk.jmh.Main WriterBench -f 1 -wi 5 -w 1s -i 10 -r 1s -p sandboxes=1,200 -prof gc $*"
{
    header writer "$cmd"
    "$JAVA" -cp "$CP" org.openjdk.jmh.Main 'runsc.metrics.bench.WriterBench' -f 1 -wi 5 -w 1s -i 10 -r 1s -p sandboxes=1,200 -prof gc \
        -rf json -rff "$OUT/writer.json" "$@" 2>&1 | grep -v '^# \(VM invoker\|Blackhole\)' 
    echo "# after: $(uptime | sed 's/.*load/load/')"
} > "$OUT/writer.log"
# The summary: medians of the measured iterations, ratios, bytes per series.
python3 bench/writer-summary.py "$OUT/writer.json" > "$OUT/writer.summary"
{ grep '^# ' "$OUT/writer.log" | grep -v 'Warmup\|Measurement\|Timeout\|Threads\|Benchmark mode\|Benchmark:\|Run progress\|Fork:\|Parameters\|VM options\|JMH version\|VM version\|Warmup Iteration'; sed -n '/^Benchmark /,$p' "$OUT/writer.log"; echo; cat "$OUT/writer.summary"; } > "$OUT/writer.txt"
cat "$OUT/writer.txt"
