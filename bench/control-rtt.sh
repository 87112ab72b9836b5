#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Issue 3: Metrics.Export round trip with ControlClient in a warm JVM, against the simulator and,
# with root and `make runsc`, a real sandbox.
. bench/common.sh
targets=sim
real_ok control-rtt-real && targets="sim real"
{
    header control-rtt "$JAVA -cp CP runsc.metrics.bench.ControlRoundTrip $targets"
    "$JAVA" -cp "$CP" runsc.metrics.bench.ControlRoundTrip $targets
    echo "# after: $(uptime | sed 's/.*load/load/')"
} > "$OUT/control-rtt.txt"
cat "$OUT/control-rtt.txt"
