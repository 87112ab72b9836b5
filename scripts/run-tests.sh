#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Usage: run-tests.sh DEPS_DIR CLASSPATH [launcher selectors...]
# Runs the JUnit Platform console launcher (Jupiter engine) over the test classes,
# keeps its full report in build/test-report.txt, and ends with the plain line
# "N passed, N failed, N skipped". Exit status: 0 only when nothing failed or aborted.
set -uo pipefail
deps=$1; cp=$2; shift 2
java=${JAVA:-java}
report=build/test-report.txt
mkdir -p build
jars=$(ls "$deps"/*.jar | grep -v console-standalone | paste -sd:)
"$java" --enable-native-access=ALL-UNNAMED ${TEST_JAVA_OPTS:-} -Drunsc.metrics.image="${IMAGE:-build/image}" \
    -jar "$deps"/junit-platform-console-standalone-*.jar execute \
    --disable-banner --disable-ansi-colors --details=tree --details-theme=ascii \
    --include-classname '^(Test.*|.+[.$]Test.*|.*Tests?|.*Properties)$' \
    --class-path "$cp:$jars" "$@" 2>&1 | tee "$report" | grep -v '\[OK\]$'
status=${PIPESTATUS[0]}
count() { sed -n "s/^\[ *\([0-9]*\) tests $1 *\]$/\1/p" "$report" | tail -n 1; }
ok=$(count successful); failed=$(count failed); aborted=$(count aborted); skipped=$(count skipped)
# An aborted test is one whose assumption failed: that is a skip with a reason, not a pass.
echo "${ok:-0} passed, ${failed:-0} failed, $(( ${skipped:-0} + ${aborted:-0} )) skipped"
if [ -z "$ok" ]; then echo "run-tests: the launcher printed no summary (exit $status)" >&2; exit 1; fi
exit "$status"
