package io.regionpm.bench.tree;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@link SortedMapBenchmark} for ours ({@link OursTreeMaps}). The per-write durable kinds
 * ({@code OURS_BPLUS_SHADOW_PMSYNC1_DISK}, {@code OURS_BPLUS_SHADOW_SYNC_DISK}, ...) run at
 * {@link Tx1TreeBenchmark}'s size: {@code ./pcw bench 'tree\.Tx1TreeBenchmark\.(load|update|remove)'
 * -p map=MAPDB_TX1_DISK,LMDB_SYNC1_DISK,OURS_BPLUS_SHADOW_PMSYNC1_DISK,OURS_BPLUS_SHADOW_SYNC_DISK}.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class OursTreeBenchmark extends SortedMapBenchmark {
    /** An {@link OursTreeMaps} constant. */
    @Param({"OURS_BPLUS_SHADOW_SHM", "OURS_BPLUS_IN_PLACE_SHM", "OURS_AVL_SHADOW_SHM", "OURS_AVL_IN_PLACE_SHM",
            "OURS_BPLUS_SHADOW_PMSYNC1000_DISK", "OURS_BPLUS_IN_PLACE_PMSYNC1000_DISK",
            "OURS_AVL_SHADOW_PMSYNC1000_DISK", "OURS_AVL_IN_PLACE_PMSYNC1000_DISK"})
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
