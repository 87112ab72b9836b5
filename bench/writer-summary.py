# SPDX-License-Identifier: Apache-2.0
"""Medians and ratios from a JMH JSON result of WriterBench, per series (one op = one scrape of
sandboxes x 174 series)."""
import json
import statistics
import sys

runs = json.load(open(sys.argv[1]))
med = {}
alloc = {}
for r in runs:
    sandboxes = int(r.get("params", {}).get("sandboxes", "200"))
    series = sandboxes * 174
    name = (r["benchmark"].rsplit(".", 1)[1], sandboxes)
    raw = [x for fork in r["primaryMetric"]["rawData"] for x in fork]
    med[name] = statistics.median(raw) / series
    sec = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
    if sec:
        alloc[name] = statistics.median([x for fork in sec["rawData"] for x in fork]) / series
for name in med:
    print(f"{name[0]:16s} {name[1]:3d} sandboxes  median {med[name]:9.2f} ns/series  {alloc.get(name, float('nan')):8.2f} B/series allocated")
for sandboxes in sorted({n[1] for n in med}):
    ours, cj, fresh = ("ours", sandboxes), ("clientJava", sandboxes), ("oursFreshWriter", sandboxes)
    if ours in med and cj in med:
        ratio = med[cj] / med[ours]
        verdict = f" (target >= 1.5x): {'met' if ratio >= 1.5 else 'missed'}" if sandboxes == 200 else ""
        print(f"{sandboxes:3d} sandboxes: throughput ours/clientJava {ratio:.2f}x{verdict}")
    if fresh in med and cj in med:
        print(f"{sandboxes:3d} sandboxes: throughput oursFreshWriter/clientJava {med[cj] / med[fresh]:.2f}x")
