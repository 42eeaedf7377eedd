package io.regionpm.bench.tree;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@link SortedMapBenchmark} for MapDB 3.1.0 {@code BTreeMap}: mmap file on {@code /dev/shm}
 * without transactions, and with transactions on a disk committing every 1000 writes. (Commit
 * after every write: {@link Tx1TreeBenchmark}, at a smaller size.)
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class MapDbTreeBenchmark extends SortedMapBenchmark {
    /** A {@link PeerTreeMaps} constant. */
    @Param({"MAPDB_MMAP_SHM", "MAPDB_TX1000_DISK"})
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
