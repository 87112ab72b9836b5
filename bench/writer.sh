#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Issue 4: ExpositionWriter vs client_java's PrometheusTextFormatWriter, JMH with -prof gc.
# Results per series (200 sandboxes x 174 series per operation). Extra JMH flags may follow.
. bench/common.sh
cmd="$JAVA -cp CP org.openjdk.jmh.Main WriterBench -f 1 -wi 5 -w 2s -i 10 -r 2s -prof gc $*"
{
    header writer "$cmd"
    "$JAVA" -cp "$CP" org.openjdk.jmh.Main 'runsc.metrics.bench.WriterBench' -f 1 -wi 5 -w 2s -i 10 -r 2s -prof gc \
        -rf json -rff "$OUT/writer.json" "$@" 2>&1 | grep -v '^# \(VM invoker\|Blackhole\)' 
    echo "# after: $(uptime | sed 's/.*load/load/')"
} > "$OUT/writer.log"
# The summary: medians of the measured iterations, ratios, bytes per series.
python3 bench/writer-summary.py "$OUT/writer.json" > "$OUT/writer.summary"
{ grep '^# ' "$OUT/writer.log" | grep -v 'Warmup\|Measurement\|Timeout\|Threads\|Benchmark mode\|Benchmark:\|Run progress\|Fork:\|Parameters\|VM options\|JMH version\|VM version\|Warmup Iteration'; sed -n '/^Benchmark /,$p' "$OUT/writer.log"; echo; cat "$OUT/writer.summary"; } > "$OUT/writer.txt"
cat "$OUT/writer.txt"
