#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Usage: aot-train.sh IMAGE BUILD_JAVA
# Trains the AOT caches (JEP 483/514/515) of a runtime image: IMAGE/lib/runsc-metrics.aot for every
# command, and IMAGE/lib/export-metrics.aot for export-metrics alone, which the launcher picks for
# that command. The JDK writes one cache per training process, from the classes that process loaded
# and linked, and loads all of a cache's classes at start: the lean cache spares the short command
# ~500 classes of the server (~7 ms, BENCHMARKS.md, export-metrics start-up).
# The general training is one JVM of the image itself, with the launcher's module options, that
# runs the image's commands one after the other (runsc.metrics.cli.AotTraining); the lean one is
# step 2 alone, in a JVM of its own:
#  1. `--version` and `help`, which are over in a few milliseconds;
#  2. `export-metrics` of one sandbox that a second JVM of the image simulates (`simulate`): the
#     state file under its flock, the FFM downcall, the control-socket client, the exposition
#     writer, i.e. the path of the short command whose start-up matters most;
#  3. `demo` on a private Unix socket: simulated sandboxes, the control-socket client, the
#     exposition encoder and the HTTP server all run while BUILD_JAVA scrapes /metrics a few
#     times; then SIGTERM takes the orderly exit path and, at exit, the JVM writes the cache (one
#     step, JEP 514).
set -eu
image=$1; build_java=$2
here=$(cd "$(dirname "$0")" && pwd)
out=$image/lib/runsc-metrics.aot
out_export=$image/lib/export-metrics.aot
# Short, private and under /tmp: Unix socket paths are limited to about 100 bytes.
tmp=$(mktemp -d /tmp/rm-aot.XXXXXX)
pid=
sim=
cleanup() {
    if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
    if [ -n "$sim" ]; then kill -KILL "$sim" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
fail() {
    echo "aot-train: $*" >&2
    sed 's/^/aot-train: | /' "$tmp/sim.log" "$tmp/export.log" "$tmp/log" >&2 2>/dev/null || true
    exit 1
}
# Waits up to 30 s for a condition (a shell command) while process $2 lives; $3 names it in errors.
wait_for() {
    waited=0
    until eval "$1"; do
        kill -0 "$2" 2>/dev/null || fail "$3 ended before it was ready"
        [ "$waited" -lt 300 ] || fail "$3 was not ready within 30 s"
        sleep 0.1; waited=$((waited + 1))
    done
}
rm -f "$out" "$out_export"
"$image/bin/java" -m runsc.metrics/runsc.metrics.cli.Main --root="$tmp/root" simulate --sandboxes=1 \
    >"$tmp/sim.log" 2>&1 &
sim=$!
wait_for 'grep -qs "^simulating" "$tmp/sim.log"' "$sim" "the simulated sandbox (simulate)"
# The lean cache first: one export-metrics run, as the launcher starts it.
"$image/bin/java" -XX:+UseSerialGC -XX:AOTCacheOutput="$tmp/export.aot" -Xlog:aot*=warning,cds*=warning:stderr \
    -m runsc.metrics/runsc.metrics.cli.Main --root="$tmp/root" export-metrics sim-1 >"$tmp/export.log" 2>&1 \
    || fail "the training run of export-metrics failed"
grep -q '^Wrote [0-9]* bytes of Prometheus metric data' "$tmp/export.log" || fail "the export-metrics training wrote nothing"
# The same module options as jlink/runsc-metrics: the cache is only valid for them. The launcher's
# default collector too: a cache made with another one still works, but the JVM then copies its
# archived objects into the heap instead of mapping them.
"$image/bin/java" -XX:+UseSerialGC -XX:AOTCacheOutput="$tmp/cache.aot" -Xlog:aot*=warning,cds*=warning:stderr \
    -m runsc.metrics/runsc.metrics.cli.AotTraining --version -- help \
    -- --root="$tmp/root" export-metrics sim-1 -- demo --metric-server="$tmp/s.sock" >"$tmp/log" 2>&1 &
pid=$!
# The demo's instructions, printed once it listens (the socket file appears at bind, before listen).
wait_for 'grep -qs "metric server on $tmp/s.sock" "$tmp/log"' "$pid" "the training run (--version, help, export-metrics, then demo)"
"$build_java" "$here/AotScrape.java" "$tmp/s.sock" 5 >>"$tmp/log" 2>&1 || fail "scraping the training run failed"
kill -TERM "$pid"
status=0; wait "$pid" || status=$?
pid=
[ "$status" -eq 0 ] || fail "the training run exited with status $status"
grep -q '^Wrote [0-9]* bytes of Prometheus metric data' "$tmp/log" || fail "the training run's export-metrics wrote nothing"
kill -TERM "$sim"
wait "$sim" || fail "the simulated sandbox exited with status $?"
sim=
# Check each cache is accepted by the image, so that a silently ignored cache fails the build instead.
for cache in "$tmp/cache.aot" "$tmp/export.aot"; do
    [ -s "$cache" ] || fail "the training run wrote no AOT cache $cache"
    "$image/bin/java" -XX:+UseSerialGC -XX:AOTCache="$cache" -XX:AOTMode=on -Xlog:aot*=off,cds*=off \
        -m runsc.metrics/runsc.metrics.cli.Main --version >/dev/null 2>>"$tmp/log" \
        || fail "the image does not accept the cache it trained (-XX:AOTMode=on): $cache"
done
mv "$tmp/export.aot" "$out_export"
mv "$tmp/cache.aot" "$out"
