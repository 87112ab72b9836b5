# SPDX-License-Identifier: Apache-2.0
"""Medians and ratios from a JMH JSON result of WriterBench (ns and bytes per series)."""
import json
import statistics
import sys

runs = json.load(open(sys.argv[1]))
med = {}
alloc = {}
for r in runs:
    name = r["benchmark"].rsplit(".", 1)[1]
    raw = [x for fork in r["primaryMetric"]["rawData"] for x in fork]
    med[name] = statistics.median(raw)
    sec = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
    if sec:
        alloc[name] = statistics.median([x for fork in sec["rawData"] for x in fork])
for name in med:
    print(f"{name:16s} median {med[name]:8.2f} ns/series  {alloc.get(name, float('nan')):8.2f} B/series allocated")
if "ours" in med and "clientJava" in med:
    ratio = med["clientJava"] / med["ours"]
    print(f"throughput ours/clientJava {ratio:.2f}x (target >= 1.5x): {'met' if ratio >= 1.5 else 'missed'}")
if "oursFreshWriter" in med and "clientJava" in med:
    print(f"throughput oursFreshWriter/clientJava {med['clientJava'] / med['oursFreshWriter']:.2f}x")
