/**
 * The sorted-tree comparison of issue 7 (JMH), in the house style of {@code io.regionpm.bench.hash}:
 * one abstract benchmark, {@link io.regionpm.bench.tree.SortedMapBenchmark}, drives any
 * {@link io.regionpm.bench.tree.TreeKind} (a sorted map implementation and configuration:
 * {@link io.regionpm.bench.tree.PeerTreeMaps} for {@code TreeMap}, {@code ConcurrentSkipListMap},
 * MapDB 3.1.0 {@code BTreeMap}, lmdbjava and H2 MVStore; {@code OursTreeMaps} for ours once the
 * trees are merged), through a {@link io.regionpm.bench.tree.TreeUnderTest}. A concrete subclass
 * per group of kinds carries the {@code map} and {@code entries} parameters and the JVM flags its
 * library needs on JDK 25. See docs/benchmarks.md, "Sorted trees (issue 7)".
 */
package io.regionpm.bench.tree;
