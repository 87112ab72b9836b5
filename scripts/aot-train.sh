#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Usage: aot-train.sh IMAGE BUILD_JAVA
# Trains the AOT cache (JEP 483/514/515) of a runtime image and writes IMAGE/lib/runsc-metrics.aot.
# The training run is one JVM of the image itself, with the launcher's module options, running
# `demo` on a private Unix socket: simulated sandboxes, the control-socket client, the exposition
# encoder and the HTTP server all run while BUILD_JAVA scrapes /metrics a few times; then SIGTERM
# takes the orderly exit path and, at exit, the JVM writes the cache (one step, JEP 514).
# A cache records one process, so export-metrics, help and --version share it only where their
# classes overlap (start-up, flags, control client, exposition); the JDK classes are all there.
set -eu
image=$1; build_java=$2
here=$(cd "$(dirname "$0")" && pwd)
out=$image/lib/runsc-metrics.aot
# Short, private and under /tmp: Unix socket paths are limited to about 100 bytes.
tmp=$(mktemp -d /tmp/rm-aot.XXXXXX)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
fail() {
    echo "aot-train: $*" >&2
    sed 's/^/aot-train: | /' "$tmp/log" >&2 2>/dev/null || true
    exit 1
}
rm -f "$out"
# The same module options as jlink/runsc-metrics: the cache is only valid for them.
"$image/bin/java" -XX:AOTCacheOutput="$tmp/cache.aot" -Xlog:aot*=warning,cds*=warning:stderr \
    -m runsc.metrics/runsc.metrics.cli.Main demo --metric-server="$tmp/s.sock" >"$tmp/log" 2>&1 &
pid=$!
waited=0
while [ ! -S "$tmp/s.sock" ]; do
    kill -0 "$pid" 2>/dev/null || fail "the training run (demo) ended before it listened"
    [ "$waited" -lt 300 ] || fail "the training run (demo) did not listen on $tmp/s.sock within 30 s"
    sleep 0.1; waited=$((waited + 1))
done
"$build_java" "$here/AotScrape.java" "$tmp/s.sock" 5 >>"$tmp/log" 2>&1 || fail "scraping the training run failed"
kill -TERM "$pid"
status=0; wait "$pid" || status=$?
pid=
[ "$status" -eq 0 ] || fail "the training run exited with status $status"
[ -s "$tmp/cache.aot" ] || fail "the training run wrote no AOT cache"
# Check the cache is accepted by the image, so that a silently ignored cache fails the build instead.
"$image/bin/java" -XX:AOTCache="$tmp/cache.aot" -XX:AOTMode=on -Xlog:aot*=off,cds*=off \
    -m runsc.metrics/runsc.metrics.cli.Main --version >/dev/null 2>>"$tmp/log" \
    || fail "the image does not accept the cache it trained (-XX:AOTMode=on)"
mv "$tmp/cache.aot" "$out"
