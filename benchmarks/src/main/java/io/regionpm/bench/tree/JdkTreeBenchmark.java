package io.regionpm.bench.tree;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** {@link SortedMapBenchmark} for {@code java.util.TreeMap} and {@code ConcurrentSkipListMap}: the in-memory limit. */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class JdkTreeBenchmark extends SortedMapBenchmark {
    /** A {@link PeerTreeMaps} constant. */
    @Param({"TREE_MAP", "CONCURRENT_SKIP_LIST_MAP"})
    public String map;

    /** Entries per map. */
    @Param({"1000000"})
    public int entries;

    @Override
    protected String mapName() {
        return map;
    }

    @Override
    protected int entryCount() {
        return entries;
    }
}
