#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Issue 9: two builds of this project side by side on the three headline figures, alternately
# (old, new, old, new, ... for each figure in each round), so that load from other work on the
# machine hits both alike:
#   writer    JMH WriterBench at 200 sandboxes x 174 series, ours and client_java (the same jar in
#             both builds, so its figure shows how loaded each run was), ns/series
#   wall      ExportWallTime: export-metrics wall time on one real sandbox, with the image JVM's
#             Hello World (the floor) in the same run
#   scrape    ScrapeLatency at 1000 simulated sandboxes: p50 with one scraper
# Args: OLD NEW, two checkouts (git worktrees), each built with `make image build/bench-classes/.stamp`.
# Each checkout's benchmark classes run against its own classes and image, because the writer's API
# and the simulator's flags differ between commits; the runsc binary is NEW's (`make runsc` there).
# Environment: ROUNDS (3), WALL_ROUNDS (export-metrics rounds per run, 20), WRITER_ITER (JMH measured
# iterations of 1 s, 10, after 5 of warm-up), SERIES (filler series per simulated sandbox, 20),
# WARMUP (untimed scrapes first, 10), BENCH_SECONDS (time budget of each scrape run, 20),
# OUT (result folder, NEW/build/bench/old-vs-new), FIRST_ROUND (1; a higher one adds rounds to OUT's
# results instead of starting afresh), FIGURES (which runs, "writer wall scrape").
# Every run's output and the load average before and after it go to OUT; old-vs-new-summary.py
# prints the per-round figures, the medians and the ratios new/old at the end (OUT/summary.txt).
set -eu
[ $# -eq 2 ] || { echo "usage: bench/old-vs-new.sh OLD-CHECKOUT NEW-CHECKOUT" >&2; exit 2; }
old=$(cd "$1" && pwd)
new=$(cd "$2" && pwd)
for t in "$old" "$new"; do
    [ -f "$t/build/image/.stamp" ] && [ -f "$t/build/bench-classes/.stamp" ] || {
        echo "bench: $t is not built: run make image build/bench-classes/.stamp there" >&2; exit 1; }
done
JAVA=${JAVA:-$(cd "$new" && scripts/find-jdk.sh)/bin/java}
runsc=$new/build/runsc/usr/bin/runsc
[ -x "$runsc" ] || runsc=$new/build/runsc/usr/sbin/runsc
[ -x "$runsc" ] || { echo "bench: no runsc under $new/build/runsc: run make runsc there" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bench: needs root (real gVisor sandboxes for export-metrics)" >&2; exit 1; }
rounds=${ROUNDS:-3}
first=${FIRST_ROUND:-1}
out=${OUT:-$new/build/bench/old-vs-new}
mkdir -p "$out"
[ "$first" != 1 ] || rm -f "$out"/*.txt "$out"/*.json

cp_of() {
    echo "$1/build/classes:$1/build/test-classes:$1/build/bench-classes:$(ls "$1"/build/deps/bench/*.jar "$1"/build/deps/test/*.jar | paste -sd:)"
}
load() { uptime | sed 's/.*load average: //'; }

# run FIGURE ROUND WHICH CHECKOUT: one benchmark run in CHECKOUT's folder (its build/image is the
# image the benchmark classes start); output in OUT/FIGURE-ROUND-WHICH.txt.
run() {
    f=$out/$1-$2-$3.txt
    cp=$(cp_of "$4")
    echo "# $3 $(git -C "$4" rev-parse --short=7 HEAD) round $2, before: $(load)" > "$f"
    case $1 in
        writer)
            (cd "$4" && "$JAVA" -cp "$cp" org.openjdk.jmh.Main 'runsc.metrics.bench.WriterBench.(ours|clientJava)$' \
                -f 1 -wi 5 -w 1s -i "${WRITER_ITER:-10}" -r 1s -p sandboxes=200 -prof gc \
                -rf json -rff "$out/$1-$2-$3.json") >> "$f" 2>&1 ;;
        wall)
            (cd "$4" && "$JAVA" -Drunsc.metrics.runsc="$runsc" -cp "$cp" \
                runsc.metrics.bench.ExportWallTime "${WALL_ROUNDS:-20}") >> "$f" 2>&1 ;;
        scrape)
            (cd "$4" && "$JAVA" -Dbench.sizes=1000 -Dbench.series="${SERIES:-20}" -Dbench.warmup="${WARMUP:-10}" \
                -Dbench.seconds="${BENCH_SECONDS:-20}" -cp "$cp" runsc.metrics.bench.ScrapeLatency) >> "$f" 2>&1 ;;
    esac
    echo "# after: $(load)" >> "$f"
    echo "$1 round $2 $3: done $(date -u +%H:%M:%S), load $(load)"
}

# The simulator holds one listening socket per sandbox.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
{
    echo "# old: $old at $(git -C "$old" rev-parse --short=12 HEAD)"
    echo "# new: $new at $(git -C "$new" rev-parse --short=12 HEAD)"
    echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  rounds: $first to $((first + rounds - 1)) of ${FIGURES:-writer wall scrape}  WALL_ROUNDS=${WALL_ROUNDS:-20} WRITER_ITER=${WRITER_ITER:-10} SERIES=${SERIES:-20} WARMUP=${WARMUP:-10} BENCH_SECONDS=${BENCH_SECONDS:-20}"
    echo "# machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(uname -sr); JDK: $("$JAVA" -version 2>&1 | head -1)"
} >> "$out/method.txt"
for r in $(seq "$first" $((first + rounds - 1))); do
    for fig in ${FIGURES:-writer wall scrape}; do
        run "$fig" "$r" old "$old"
        run "$fig" "$r" new "$new"
    done
done
python3 "$new/bench/old-vs-new-summary.py" "$out" | tee "$out/summary.txt"
