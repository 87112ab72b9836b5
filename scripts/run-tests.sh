#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Usage: run-tests.sh DEPS_DIR CLASSPATH [launcher selectors...]
# Runs the JUnit Platform console launcher (Jupiter engine) over the test classes,
# keeps its full report in build/test-report.txt, and ends with the plain line
# "N passed, N failed, N skipped". Exit status: 0 only when nothing failed or aborted.
#
# The tests find what they read through system properties, never through the working directory:
# runsc.metrics.project (this checkout), runsc.metrics.image (IMAGE, default build/image) and
# runsc.metrics.runsc (the binary under RUNSC_DIR, default build/runsc, when there is one). The
# JVM runs in an empty scratch directory, so a test that reads a relative path fails here too.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
abs() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }
deps=$(abs "$1")
cp=$(printf '%s\n' "$2" | tr ':' '\n' | while read -r p; do abs "$p"; done | paste -sd:)
shift 2
java=${JAVA:-java}
image=$(abs "${IMAGE:-build/image}")
runsc_dir=$(abs "${RUNSC_DIR:-build/runsc}")
mkdir -p build
report=$(abs build/test-report.txt)
props=(-Drunsc.metrics.project="$top" -Drunsc.metrics.image="$image")
for bin in "$runsc_dir/usr/bin/runsc" "$runsc_dir/usr/sbin/runsc"; do
    if [ -x "$bin" ]; then props+=(-Drunsc.metrics.runsc="$bin"); break; fi
done
scratch=$(mktemp -d "${TMPDIR:-/tmp}/run-tests.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
jars=$(ls "$deps"/*.jar | grep -v console-standalone | paste -sd:)
(cd "$scratch" && "$java" --enable-native-access=ALL-UNNAMED ${TEST_JAVA_OPTS:-} "${props[@]}" \
    -jar "$deps"/junit-platform-console-standalone-*.jar execute \
    --disable-banner --disable-ansi-colors --details=tree --details-theme=ascii \
    --include-classname '^(Test.*|.+[.$]Test.*|.*Tests?|.*Properties)$' \
    --class-path "$cp:$jars" "$@") 2>&1 | tee "$report" | grep -v '\[OK\]$'
status=${PIPESTATUS[0]}
count() { sed -n "s/^\[ *\([0-9]*\) tests $1 *\]$/\1/p" "$report" | tail -n 1; }
ok=$(count successful); failed=$(count failed); aborted=$(count aborted); skipped=$(count skipped)
# An aborted test is one whose assumption failed: that is a skip with a reason, not a pass.
echo "${ok:-0} passed, ${failed:-0} failed, $(( ${skipped:-0} + ${aborted:-0} )) skipped"
if [ -z "$ok" ]; then echo "run-tests: the launcher printed no summary (exit $status)" >&2; exit 1; fi
exit "$status"
