# SPDX-License-Identifier: Apache-2.0
# Sourced by the bench/*.sh scripts: the JDK, the class path of the compiled benchmarks, the output
# folder, and a header with the method facts (machine, JDK, load) for each result file.
# Run from the repo root after `make bench` (or `make image build/bench-classes/.stamp`).
set -eu
BUILD=${BUILD:-build}
JAVA=${JAVA:-$(scripts/find-jdk.sh)/bin/java}
OUT=$BUILD/bench
mkdir -p "$OUT"
CP=$BUILD/classes:$BUILD/test-classes:$BUILD/bench-classes:$(ls "$BUILD"/deps/bench/*.jar "$BUILD"/deps/test/*.jar | paste -sd:)
[ -d "$BUILD/bench-classes" ] || { echo "bench: $BUILD/bench-classes missing: run make bench" >&2; exit 1; }

# header NAME COMMAND: the method facts every result file starts with.
header() {
    echo "# benchmark: $1"
    echo "# command: $2"
    echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  git: $(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
    echo "# machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo), $(uname -sr)"
    echo "# JDK (bench driver): $("$JAVA" -version 2>&1 | head -1)"
    echo "# image JVM: $("$BUILD"/image/bin/java -version 2>&1 | grep -v WARNING | head -1); AOT cache $( [ -f "$BUILD"/image/lib/runsc-metrics.aot ] && echo present || echo absent)"
    echo "# before: $(uptime | sed 's/.*load/load/')"
}

# real_ok: true when the real-sandbox benchmarks can run (root and runsc from `make runsc`).
real_ok() {
    if [ "$(id -u)" != 0 ]; then
        echo "bench: skipping $1: needs root (real gVisor sandboxes)" >&2
        return 1
    fi
    if [ ! -x "$BUILD/runsc/usr/bin/runsc" ] && [ ! -x "$BUILD/runsc/usr/sbin/runsc" ]; then
        echo "bench: skipping $1: no runsc under $BUILD/runsc (run make runsc)" >&2
        return 1
    fi
}
