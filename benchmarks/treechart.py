#!/usr/bin/env python3
"""Bar chart (SVG, standard library only) and Markdown tables of the sorted-tree benchmarks' JMH JSON results.

Usage: python3 benchmarks/treechart.py RESULT.json [MORE.json ...] [-o docs/tree-benchmark.svg] [--table]

Reads JMH results written with `-rf json -rff FILE` by the io.regionpm.bench.tree benchmarks
(one file per benchmark class run) and, as chart.py does for the hash maps, converts every
score to operations per second per phase: throughput scores (get, getT2, update) as they are;
SingleShotTime scores to operations / time, where a load or removal shot is `entries` puts or
removes and a scan shot is `scans` range scans of 100 entries each (so the scan column is
scans/s; x100 for entries/s). Draws one panel per workload: groups = phases (load, get, getT2,
update, scan, remove), one bar per map, log-scale ops/s. --table also prints Markdown tables.
"""
import functools
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0] if "/" in __file__ else ".")
import chart  # noqa: E402  (same conversion, drawing and command line as the hash chart)

PHASES = ["load", "get", "getT2", "update", "scan", "remove"]
# bar order: the in-memory limits first, then the peers, then ours (any other map after these)
ORDER = ["TREE_MAP", "CONCURRENT_SKIP_LIST_MAP",
         "MAPDB_MMAP_SHM", "LMDB_NOSYNC_SHM", "LMDB_NOSYNC_WRITEMAP_SHM", "MVSTORE_SHM",
         "MAPDB_TX1000_DISK", "LMDB_SYNC1000_DISK", "MVSTORE_SYNC1000_DISK",
         "MAPDB_TX1_DISK", "LMDB_SYNC1_DISK",
         "OURS_BPLUS_SHADOW_SHM", "OURS_BPLUS_IN_PLACE_SHM", "OURS_AVL_SHADOW_SHM", "OURS_AVL_IN_PLACE_SHM",
         "OURS_BPLUS_SHADOW_PMSYNC1000_DISK", "OURS_BPLUS_IN_PLACE_PMSYNC1000_DISK",
         "OURS_AVL_SHADOW_PMSYNC1000_DISK", "OURS_AVL_IN_PLACE_PMSYNC1000_DISK",
         "OURS_BPLUS_SHADOW_PMSYNC1_DISK", "OURS_BPLUS_SHADOW_SYNC_DISK"]
NOTES = chart.NOTES + ["scan: scans/s (100 entries each)"]


def main(argv):
    chart.run(argv, functools.partial(chart.load, order=ORDER),
              functools.partial(chart.svg, phases=PHASES, notes=NOTES),
              functools.partial(chart.table, phases=PHASES),
              "docs/tree-benchmark.svg", "Sorted trees (issue 7): ops/s per map per phase",
              "tree results (rows with map and workload parameters)", doc=__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
