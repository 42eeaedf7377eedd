package io.regionpm.bench.tree;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@link SortedMapBenchmark} for the kinds durable on every write: MapDB with transactions
 * committing after every write, lmdbjava with a synced write transaction per put or delete (and,
 * once merged, ours: {@code OURS_BPLUS_SHADOW_PMSYNC1_DISK}, {@code OURS_BPLUS_SHADOW_SYNC_DISK}).
 * Every write syncs, so a load or removal of a million keys would take hours: this class defaults
 * to 2,000 entries. Its gets and scans are those of a small, cache-resident map, so run only its
 * writes: {@code ./pcw bench 'tree\.Tx1TreeBenchmark\.(load|update|remove)'}. JVM flags: the union of
 * every library's.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class Tx1TreeBenchmark extends SortedMapBenchmark {
    /** A {@link PeerTreeMaps} (or {@code OursTreeMaps}) constant. */
    @Param({"MAPDB_TX1_DISK", "LMDB_SYNC1_DISK"})
    public String map;

    /** Entries per map. */
    @Param({"2000"})
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
