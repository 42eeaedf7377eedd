package io.regionpm.bench.hash;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@link HashMapBenchmark} for MapDB 3.1.0 {@code HTreeMap}: mmap file on {@code /dev/shm}
 * without transactions, and with transactions on a disk committing every 1000 writes. (Commit
 * after every write: {@link MapDbTx1HashBenchmark}, at a smaller size.)
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class MapDbHashBenchmark extends HashMapBenchmark {
    /** A {@link PeerHashMaps} constant. */
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
