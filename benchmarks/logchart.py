#!/usr/bin/env python3
"""Bar chart (SVG, standard library only) and Markdown tables of the log benchmarks' JMH JSON results.

Usage: python3 benchmarks/logchart.py RESULT.json [MORE.json ...] [-o docs/log-benchmark.svg] [--table]

Reads JMH results written with `-rf json -rff FILE` by io.regionpm.bench.log.*LogBenchmark and
converts every score to records/s and MB/s (MB = 10^6 bytes):
- append (SingleShotTime, ms per shot of `count` appends): records/s = count / time,
  where count = min(records, 256 MiB / recordBytes), as LogBenchmark.count computes it;
- read (Throughput, one record per op): records/s = the score.
MB/s = records/s x recordBytes / 10^6. Draws one panel per phase (append, read): groups =
record sizes, one bar per log, log-scale MB/s. --table also prints Markdown tables of both units.
"""
import html
import json
import math
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0] if "/" in __file__ else ".")
from chart import COLOURS, TIME_UNITS, fmt, run  # noqa: E402  (same units and style as chart.py)

PHASES = ["append", "read"]
SIZES = [16, 128, 1024, 65536]
VOLUME = 256 << 20
ORDER = ["CHRONICLE_SHM", "CHRONICLE_DISK", "OURS_NONE_SHM", "OURS_PMSYNC1000_DISK", "OURS_SYNC_DISK"]


def count(records, record_bytes):
    return min(records, VOLUME // record_bytes)


def rates(row):
    """(records/s, error in records/s, records) of one JMH result row."""
    pm, params = row["primaryMetric"], row["params"]
    score, err, unit = float(pm["score"]), float(pm.get("scoreError", "NaN")), pm["scoreUnit"]
    n = count(int(params["records"]), int(params["recordBytes"]))
    if unit == "ops/s":
        return score, err, n
    if unit in TIME_UNITS:
        secs = score * TIME_UNITS[unit]
        e = err * TIME_UNITS[unit] * n / (secs * secs) if err == err else float("nan")
        return n / secs, e, n
    raise ValueError("unsupported score unit " + unit)


def load(paths):
    """{phase: {log: {recordBytes: (records/s, err, records)}}}, and the logs in order."""
    data, logs = {}, []
    for p in paths:
        with open(p) as f:
            for row in json.load(f):
                params = row.get("params", {})
                phase = row["benchmark"].rsplit(".", 1)[1]
                lg, rb = params.get("log"), params.get("recordBytes")
                if lg is None or rb is None:
                    continue
                data.setdefault(phase, {}).setdefault(lg, {})[int(rb)] = rates(row)
                if lg not in logs:
                    logs.append(lg)
    seen = list(logs)
    logs.sort(key=lambda m: (ORDER.index(m) if m in ORDER else len(ORDER), seen.index(m)))
    return data, logs


def mbs(rate, rb):
    return rate * rb / 1e6


def fmt_mb(v):
    """MB/s as a plain number: 1,234 or 56.7."""
    if v != v:
        return "-"
    return "{:,.0f}".format(v) if v >= 100 else ("%.1f" % v if v >= 1 else "%.3f" % v)


def size_name(rb):
    return "%d KiB" % (rb // 1024) if rb >= 1024 else "%d B" % rb


def svg(data, logs, title):
    phases = [p for p in PHASES if p in data]
    bar, gap, left, top, panel_h, legend_w = 16, 26, 70, 50, 280, 240
    group_w = len(logs) * bar + gap
    width = left + len(SIZES) * group_w + legend_w
    height = top + len(phases) * (panel_h + 70) + 20
    values = [mbs(v[0], rb) for p in data.values() for m in p.values() for rb, v in m.items() if v[0] > 0]
    lo = 10 ** math.floor(math.log10(min(values))) if values else 1
    hi = 10 ** math.ceil(math.log10(max(values))) if values else 10
    span = math.log10(hi) - math.log10(lo) or 1
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">'
           % (width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="24" font-size="15" font-weight="bold">%s</text>' % (left, html.escape(title))]
    for pi, phase in enumerate(phases):
        y0 = top + pi * (panel_h + 70) + 20
        base = y0 + panel_h
        out.append('<text x="%d" y="%d" font-size="13" font-weight="bold">%s</text>' % (left, y0 - 8, phase))
        e = int(math.log10(lo))
        while 10 ** e <= hi:
            y = base - (e - math.log10(lo)) / span * panel_h
            out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>'
                       % (left, y, left + len(SIZES) * group_w, y))
            out.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>' % (left - 6, y + 4, fmt(10 ** e)))
            e += 1
        out.append('<text x="14" y="%d" transform="rotate(-90 14 %d)" text-anchor="middle">MB/s (log)</text>'
                   % (y0 + panel_h // 2, y0 + panel_h // 2))
        for si, rb in enumerate(SIZES):
            gx = left + si * group_w + gap // 2
            for mi, m in enumerate(logs):
                v = data[phase].get(m, {}).get(rb)
                if not v or v[0] <= 0:
                    continue
                h = (math.log10(mbs(v[0], rb)) - math.log10(lo)) / span * panel_h
                out.append('<rect x="%d" y="%.1f" width="%d" height="%.1f" fill="%s"><title>%s %s %s: %s MB/s, %s records/s</title></rect>'
                           % (gx + mi * bar, base - h, bar - 2, h, COLOURS[mi % len(COLOURS)], html.escape(m), phase,
                              size_name(rb), fmt_mb(mbs(v[0], rb)), fmt(v[0])))
            out.append('<text x="%d" y="%d" text-anchor="middle">%s</text>'
                       % (gx + len(logs) * bar // 2, base + 16, size_name(rb)))
        out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>'
                   % (left, base, left + len(SIZES) * group_w, base))
    lx = left + len(SIZES) * group_w + 20
    for mi, m in enumerate(logs):
        ly = top + 20 + mi * 18
        out.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>' % (lx, ly, COLOURS[mi % len(COLOURS)]))
        out.append('<text x="%d" y="%d">%s</text>' % (lx + 18, ly + 10, html.escape(m)))
    out.append('<text x="%d" y="%d" fill="#555">append: records per shot / single-shot time</text>'
               % (lx, top + 30 + len(logs) * 18))
    out.append('<text x="%d" y="%d" fill="#555">MB = 10^6 bytes of payload</text>' % (lx, top + 46 + len(logs) * 18))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def table(data, logs):
    lines = []
    for phase in [p for p in PHASES if p in data]:
        lines.append("\n%s: records/s (MB/s)\n" % phase)
        lines.append("| log | " + " | ".join(size_name(rb) for rb in SIZES) + " |")
        lines.append("|---|" + "---:|" * len(SIZES))
        for m in logs:
            row = data[phase].get(m)
            if not row:
                continue
            cells = []
            for rb in SIZES:
                v = row.get(rb)
                cells.append("-" if not v else "%s%s (%s MB/s)" % (fmt(v[0]), "" if v[1] != v[1] else " ± " + fmt(v[1]),
                                                                   fmt_mb(mbs(v[0], rb))))
            lines.append("| %s | %s |" % (m, " | ".join(cells)))
    return "\n".join(lines) + "\n"


def main(argv):
    run(argv, load, svg, table, "docs/log-benchmark.svg", "Logs (issue 6): MB/s of payload per log and record size",
        "log results (rows with log and recordBytes parameters)")


if __name__ == "__main__":
    main(sys.argv[1:])
