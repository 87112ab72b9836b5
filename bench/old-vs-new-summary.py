# SPDX-License-Identifier: Apache-2.0
"""The table of bench/old-vs-new.sh: for each figure, old and new per round with the ratio new/old,
then the median of the rounds of each and their ratio. Lower is better for every figure.
Arg: the result folder."""
import glob
import json
import os
import re
import statistics
import sys

out = sys.argv[1]
SERIES_200 = 200 * 174


def writer(path, which):
    """ns/series: the median of the measured JMH iterations of `which` divided by the series count,
    None when the run wrote no result for it."""
    try:
        runs = json.load(open(path))
    except (OSError, ValueError):
        return None
    for r in runs:
        if r["benchmark"].endswith("." + which):
            return statistics.median(x for fork in r["primaryMetric"]["rawData"] for x in fork) / SERIES_200
    return None


def line_ms(path, pattern):
    """The first number in ms that follows `pattern` in the file, None without one."""
    text = open(path).read()
    m = re.search(pattern + r"\s*([0-9.]+) ms", text)
    return float(m.group(1)) if m else None


def quotient(a, b):
    return None if a is None or b is None else a / b


FIGURES = [
    ("writer ns/series (ours, 200 x 174)", "writer", lambda p: writer(p.replace(".txt", ".json"), "ours"), "ns"),
    ("writer ns/series (client_java, same jar)", "writer", lambda p: writer(p.replace(".txt", ".json"), "clientJava"), "ns"),
    ("export-metrics wall (median)", "wall", lambda p: line_ms(p, r"runsc-metrics export-metrics\s+median"), "ms"),
    ("image java Hello, floor (median)", "wall", lambda p: line_ms(p, r"image java Hello \(floor\)\s+median"), "ms"),
    ("scrape p50 at 1000, 1 scraper", "scrape", lambda p: line_ms(p, r"1 scraper: p50"), "ms"),
    # Within one run both parts see the same load, so these ratios vary less than the figures.
    ("writer ours / client_java, same run", "writer", lambda p: quotient(writer(p.replace(".txt", ".json"), "ours"),
                                                                        writer(p.replace(".txt", ".json"), "clientJava")), "x"),
    ("export-metrics / floor, same run", "wall", lambda p: quotient(line_ms(p, r"runsc-metrics export-metrics\s+median"),
                                                                    line_ms(p, r"image java Hello \(floor\)\s+median")), "x"),
]


def load(path):
    lines = open(path).read().splitlines()
    before = re.search(r"before: (.*)", lines[0]).group(1)
    after = re.search(r"after: (.*)", lines[-1]).group(1) if lines[-1].startswith("# after") else "?"
    return before, after


print(open(os.path.join(out, "method.txt")).read().rstrip())
rounds = sorted({int(re.search(r"-(\d+)-old\.txt$", f).group(1)) for f in glob.glob(os.path.join(out, "*-old.txt"))})
overall = []
for title, fig, get, unit in FIGURES:
    print(f"\n{title} [{unit}]")
    olds, news = [], []
    for r in rounds:
        po, pn = (os.path.join(out, f"{fig}-{r}-{w}.txt") for w in ("old", "new"))
        if not (os.path.exists(po) and os.path.exists(pn)):
            continue
        o, n = get(po), get(pn)
        if o is None or n is None:
            # A failed or unfinished run leaves its round out of the medians.
            print(f"  round {r}: no figure in {po if o is None else pn} (failed or still running: see the file)")
            continue
        olds.append(o)
        news.append(n)
        (lob, loa), (lnb, lna) = load(po), load(pn)
        print(f"  round {r}: old {o:9.3f}  new {n:9.3f}  new/old {n / o:.3f}"
              f"   load old [{lob}] -> [{loa}]  new [{lnb}] -> [{lna}]")
    if olds:
        mo, mn = statistics.median(olds), statistics.median(news)
        # The rounds' own ratios pair each new run with the old one just before it, so a loaded
        # stretch of time counts against both; their median is the steadier of the two overall ratios.
        paired = statistics.median(n / o for o, n in zip(olds, news))
        worse = sum(1 for o, n in zip(olds, news) if n > o)
        print(f"  median : old {mo:9.3f}  new {mn:9.3f}  new/old {mn / mo:.3f}; median of the rounds' new/old {paired:.3f},"
              f" new higher in {worse} of {len(olds)}")
        overall.append((title, unit, mo, mn, paired, worse, len(olds)))
print("\n| Figure | old (median) | new (median) | new/old of the medians | median of the rounds' new/old | rounds new higher |"
      "\n|---|---|---|---|---|---|")
for title, unit, mo, mn, paired, worse, n in overall:
    print(f"| {title} | {mo:.3f} {unit} | {mn:.3f} {unit} | {mn / mo:.3f} | {paired:.3f} | {worse} of {n} |")
