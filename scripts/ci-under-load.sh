#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Usage: ci-under-load.sh [RUNS] [BURNERS]     (defaults: 5 runs, 2 burners)
# Runs `CI=true bash .ci/run` RUNS times, each in a fresh clone of this checkout's HEAD as it was
# when the script started (later commits do not change what the runs test), while
# BURNERS CPU burners (`sh -c 'while :; do :; done'`) run beside it, as a busy machine would.
# The burners are started and ended by this script, by PID, also when it is interrupted. Each
# run's clone sits next to a copy of ../shared (the layout CI sees). Prints one line per run (exit
# status, wall time, the test summary line) and exits non-zero when any run failed. Logs are kept
# in the work folder it names.
set -uo pipefail
runs=${1:-5}
burners=${2:-2}
top=$(cd "$(dirname "$0")/.." && pwd)
rev=$(git -C "$top" rev-parse HEAD)
work=$(mktemp -d "${TMPDIR:-/tmp}/ci-under-load.XXXXXX")
# Searchable by other users, as a checkout is: some tests run the image as user nobody.
chmod 0755 "$work"
pids=()
stop_burners() {
    local p
    for p in "${pids[@]-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done
    for p in "${pids[@]-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null; done
    pids=()
}
trap stop_burners EXIT
trap 'exit 130' INT TERM

[ -d "$top/../shared" ] && cp -r "$top/../shared" "$work/shared"
for _ in $(seq "$burners"); do
    sh -c 'while :; do :; done' &
    pids+=("$!")
done
echo "ci-under-load: $runs runs of .ci/run at ${rev:0:12}, $burners burners (PIDs ${pids[*]-none}); logs in $work"

failed=0
for i in $(seq "$runs"); do
    clone=$work/run$i
    git clone -q "$top" "$clone" && git -C "$clone" checkout -q "$rev"
    start=$(date +%s)
    (cd "$clone" && CI=true bash .ci/run < /dev/null > "$work/run$i.log" 2>&1)
    rc=$?
    wall=$(( $(date +%s) - start ))
    summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$work/run$i.log" | tail -n 1)
    echo "run $i: exit $rc, ${wall} s, ${summary:-no summary line}, load $(cut -d' ' -f1-3 /proc/loadavg)"
    if [ "$rc" != 0 ]; then
        failed=$((failed + 1))
        grep -E '\[X\]|MethodSource|=> ' "$work/run$i.log" | head -n 40
    else
        rm -rf "$clone"
    fi
done
stop_burners
echo "ci-under-load: $((runs - failed)) of $runs runs passed"
[ "$failed" = 0 ]
