#!/usr/bin/env python3
"""Bar chart (SVG, standard library only) of the hash-map benchmarks' JMH JSON results.

Usage: python3 benchmarks/chart.py RESULT.json [MORE.json ...] [-o docs/hash-benchmark.svg] [--table]

Reads JMH results written with `-rf json -rff FILE` by the io.regionpm.bench.hash benchmarks
(several files may be given: one per benchmark class run), converts every score to operations
per second per phase (throughput scores as they are; SingleShotTime scores, the time of one
whole load or removal of `entries` keys, to entries / time) and draws one panel per workload:
groups = phases (load, get, getT2, update, remove), one bar per map, log-scale ops/s.
--table also prints a Markdown table of the same figures (with the error converted alike).
"""
import argparse
import html
import json
import math
import sys

PHASES = ["load", "get", "getT2", "update", "remove"]
WORKLOADS = {"LONG_LONG": "A: long -> long", "STRING_BYTES": "B: 16-byte string -> 100-byte value"}
COLOURS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac", "#1f77b4", "#8c564b"]
# bar order: the in-memory limit first, then the peers, then ours (any other map after these)
ORDER = ["HASH_MAP", "CONCURRENT_HASH_MAP", "MAPDB_MMAP_SHM", "MAPDB_TX1000_DISK", "MAPDB_TX1_DISK",
         "CHRONICLE_SHM", "OURS_SHADOW_SHM", "OURS_IN_PLACE_SHM", "OURS_SHADOW_PMSYNC1000_DISK",
         "OURS_IN_PLACE_PMSYNC1000_DISK", "OURS_SHADOW_PMSYNC1_DISK", "OURS_SHADOW_SYNC_DISK"]
TIME_UNITS = {"s/op": 1.0, "ms/op": 1e-3, "us/op": 1e-6, "ns/op": 1e-9}
# the parameter that counts the operations of one single shot, per phase (default: entries);
# the tree benchmarks' scan shot does `scans` range scans (treechart.py)
SHOT_COUNT = {"scan": "scans"}
NOTES = ["load, remove: entries / single-shot time", "getT2: two threads, total"]


def ops_per_second(row):
    """(ops/s, error in ops/s) of one JMH result row."""
    pm = row["primaryMetric"]
    score, err, unit = float(pm["score"]), float(pm.get("scoreError", "NaN")), pm["scoreUnit"]
    if unit == "ops/s":
        return score, err
    if unit in TIME_UNITS:
        phase = row["benchmark"].rsplit(".", 1)[1]
        n = int(row["params"][SHOT_COUNT.get(phase, "entries")])
        secs = score * TIME_UNITS[unit]
        rate = n / secs
        # error of n / t from the error of t (first order); NaN for a single measurement
        e = err * TIME_UNITS[unit] * n / (secs * secs) if err == err else float("nan")
        return rate, e
    raise ValueError("unsupported score unit " + unit)


def load(paths, order=ORDER):
    """{workload: {map: {phase: (ops/s, err, entries)}}}, and the maps in `order`, then first-seen order."""
    data, maps = {}, []
    for p in paths:
        with open(p) as f:
            for row in json.load(f):
                params = row.get("params", {})
                phase = row["benchmark"].rsplit(".", 1)[1]
                m, w = params.get("map"), params.get("workload")
                if m is None or w is None:
                    continue
                rate, err = ops_per_second(row)
                data.setdefault(w, {}).setdefault(m, {})[phase] = (rate, err, int(params["entries"]))
                if m not in maps:
                    maps.append(m)
    seen = list(maps)
    maps.sort(key=lambda m: (order.index(m) if m in order else len(order), seen.index(m)))
    return data, maps


def fmt(v):
    if v != v:
        return "-"
    if v >= 1e6:
        return "%.2f M" % (v / 1e6)
    if v >= 1e3:
        return "%.1f k" % (v / 1e3)
    return "%.0f" % v


def svg(data, maps, title, phases=PHASES, notes=NOTES):
    workloads = [w for w in WORKLOADS if w in data] + [w for w in data if w not in WORKLOADS]
    bar, gap, left, top, panel_h, legend_w = 14, 22, 70, 50, 300, 260
    group_w = len(maps) * bar + gap
    width = left + len(phases) * group_w + legend_w
    height = top + len(workloads) * (panel_h + 70) + 20
    values = [v[0] for w in data.values() for m in w.values() for v in m.values() if v[0] > 0]
    lo = 10 ** math.floor(math.log10(min(values))) if values else 1
    hi = 10 ** math.ceil(math.log10(max(values))) if values else 10
    span = math.log10(hi) - math.log10(lo) or 1
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">'
           % (width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="24" font-size="15" font-weight="bold">%s</text>' % (left, html.escape(title))]
    for wi, w in enumerate(workloads):
        y0 = top + wi * (panel_h + 70) + 20
        base = y0 + panel_h
        out.append('<text x="%d" y="%d" font-size="13" font-weight="bold">%s</text>'
                   % (left, y0 - 8, html.escape(WORKLOADS.get(w, w))))
        e = int(math.log10(lo))
        while 10 ** e <= hi:
            y = base - (e - math.log10(lo)) / span * panel_h
            out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>'
                       % (left, y, left + len(phases) * group_w, y))
            out.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>' % (left - 6, y + 4, fmt(10 ** e)))
            e += 1
        out.append('<text x="14" y="%d" transform="rotate(-90 14 %d)" text-anchor="middle">ops/s (log)</text>'
                   % (y0 + panel_h // 2, y0 + panel_h // 2))
        for pi, phase in enumerate(phases):
            gx = left + pi * group_w + gap // 2
            for mi, m in enumerate(maps):
                v = data[w].get(m, {}).get(phase)
                if not v or v[0] <= 0:
                    continue
                h = (math.log10(v[0]) - math.log10(lo)) / span * panel_h
                x = gx + mi * bar
                out.append('<rect x="%d" y="%.1f" width="%d" height="%.1f" fill="%s"><title>%s %s: %s ops/s (%d entries)</title></rect>'
                           % (x, base - h, bar - 2, h, COLOURS[mi % len(COLOURS)], html.escape(m), phase,
                              fmt(v[0]), v[2]))
            out.append('<text x="%d" y="%d" text-anchor="middle">%s</text>'
                       % (gx + len(maps) * bar // 2, base + 16, phase))
        out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>'
                   % (left, base, left + len(phases) * group_w, base))
    lx = left + len(phases) * group_w + 20
    for mi, m in enumerate(maps):
        ly = top + 20 + mi * 18
        out.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>' % (lx, ly, COLOURS[mi % len(COLOURS)]))
        out.append('<text x="%d" y="%d">%s</text>' % (lx + 18, ly + 10, html.escape(m)))
    for ni, note in enumerate(notes):
        out.append('<text x="%d" y="%d" fill="#555">%s</text>' % (lx, top + 30 + ni * 16 + len(maps) * 18, html.escape(note)))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def table(data, maps, phases=PHASES):
    lines = []
    for w in [w for w in WORKLOADS if w in data] + [w for w in data if w not in WORKLOADS]:
        lines.append("\n%s\n" % WORKLOADS.get(w, w))
        lines.append("| map | entries | " + " | ".join(phases) + " |")
        lines.append("|---|---:|" + "---:|" * len(phases))
        for m in maps:
            row = data[w].get(m)
            if not row:
                continue
            n = max(v[2] for v in row.values())
            cells = []
            for phase in phases:
                v = row.get(phase)
                cells.append("-" if not v else fmt(v[0]) + ("" if v[1] != v[1] else " ± " + fmt(v[1])))
            lines.append("| %s | %s | %s |" % (m, format(n, ","), " | ".join(cells)))
    return "\n".join(lines) + "\n"


def run(argv, load, svg, table, out, title, what, doc=__doc__):
    """The command line all chart scripts share: JMH JSON files in, an SVG (and tables) out."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("results", nargs="+", help="JMH JSON result files")
    ap.add_argument("-o", "--out", default=out, help="SVG to write")
    ap.add_argument("--title", default=title)
    ap.add_argument("--table", action="store_true", help="print Markdown tables too")
    a = ap.parse_args(argv)
    data, kinds = load(a.results)
    if not data:
        sys.exit("no %s in %s" % (what, ", ".join(a.results)))
    with open(a.out, "w") as f:
        f.write(svg(data, kinds, a.title))
    print("wrote " + a.out)
    if a.table:
        print(table(data, kinds))


def main(argv):
    run(argv, load, svg, table, "docs/hash-benchmark.svg", "Hash maps (issue 5): ops/s per map per phase",
        "hash-map results (rows with map and workload parameters)")


if __name__ == "__main__":
    main(sys.argv[1:])
