#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds the modular jar twice, each in a fresh build directory, and fails unless the two are
# byte-identical. The timestamp comes from SOURCE_DATE_EPOCH or the last commit (see Makefile).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
a=build/repro-a
b=build/repro-b
rm -rf "$a" "$b"
make -s BUILD="$a" jar >/dev/null
sleep 1   # a clock tick between the builds, so that a leaked wall-clock time would show
make -s BUILD="$b" jar >/dev/null
ha=$(sha256sum "$a/jar/runsc-metrics.jar" | cut -d' ' -f1)
hb=$(sha256sum "$b/jar/runsc-metrics.jar" | cut -d' ' -f1)
if [ "$ha" != "$hb" ]; then
    echo "check-repro: two builds of the jar differ: $ha vs $hb" >&2
    exit 1
fi
echo "check-repro: two clean builds give the same jar (sha256 $ha)"
rm -rf "$a" "$b"
