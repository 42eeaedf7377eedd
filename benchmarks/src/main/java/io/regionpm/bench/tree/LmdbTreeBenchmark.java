package io.regionpm.bench.tree;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@link SortedMapBenchmark} for lmdbjava 0.9.1: {@code MDB_NOSYNC} on {@code /dev/shm} with a
 * write transaction per put (also with {@code MDB_WRITEMAP}), and synced commits on a disk every
 * 1000 writes. (Synced per put: {@link Tx1TreeBenchmark}, at a smaller size.)
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class LmdbTreeBenchmark extends SortedMapBenchmark {
    /** A {@link PeerTreeMaps} constant. */
    @Param({"LMDB_NOSYNC_SHM", "LMDB_NOSYNC_WRITEMAP_SHM", "LMDB_SYNC1000_DISK"})
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
