#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Usage: bench-startup.sh [IMAGE] [RUNS]   (defaults: build/image, 10)
# Start-up of the image's short commands with its AOT cache and without (-XX:AOTMode=off), runs
# interleaved so that a change in machine load hits both alike. Prints the median wall time and the
# median CPU time (user + sys, less sensitive to other load) in milliseconds, and the image size.
# export-metrics runs against one simulated sandbox of the image itself.
set -euo pipefail
image=${1:-build/image}; runs=${2:-10}
launcher=$image/bin/runsc-metrics
TIMEFORMAT='%R %U %S'
one() { { time "$@" >/dev/null 2>&1; } 2>&1 | awk '{printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000}'; }
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
bench() {
    local label=$1; shift
    local on off
    on=$(mktemp); off=$(mktemp)
    "$launcher" "$@" >/dev/null 2>&1 || true   # the page cache, so that the first run is not the odd one out
    for _ in $(seq "$runs"); do
        one env RUNSC_METRICS_JAVA_OPTS= "$launcher" "$@" >>"$on"
        one env RUNSC_METRICS_JAVA_OPTS=-XX:AOTMode=off "$launcher" "$@" >>"$off"
    done
    printf '%-22s AOT cache: wall %5s cpu %5s | AOTMode=off: wall %5s cpu %5s\n' "$label" \
        "$(cut -d' ' -f1 "$on" | median)" "$(cut -d' ' -f2 "$on" | median)" \
        "$(cut -d' ' -f1 "$off" | median)" "$(cut -d' ' -f2 "$off" | median)"
    rm -f "$on" "$off"
}
dir=$(mktemp -d /tmp/rm-bench.XXXXXX)
sim=
cleanup() { if [ -n "$sim" ]; then kill -TERM "$sim" 2>/dev/null || true; wait "$sim" || true; fi; rm -rf "$dir"; }
trap cleanup EXIT
echo "median of $runs runs, ms; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
bench "--version" --version
bench "help" help
"$launcher" --root="$dir/root" --metric-server="$dir/ms.sock" simulate --sandboxes=1 >"$dir/sim.out" 2>&1 &
sim=$!
for _ in $(seq 300); do grep -q '^simulating' "$dir/sim.out" 2>/dev/null && break; sleep 0.1; done
grep -q '^simulating' "$dir/sim.out" || { echo "bench-startup: simulate did not start within 30 s" >&2; exit 1; }
bench "export-metrics" --root="$dir/root" export-metrics sim-1
size=$(du -sk "$image" | cut -f1)
aot=$(cat /dev/null "$image"/lib/*.aot 2>/dev/null | wc -c)
echo "image size: $size KiB, of which the AOT caches (lib/*.aot) $((aot / 1024)) KiB"
