package io.regionpm.bench.tree;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@link SortedMapBenchmark} for H2 MVStore 2.3.232: a file on {@code /dev/shm} committed every
 * 1000 writes, and a file on a disk committed and synced every 1000 writes.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class MvStoreTreeBenchmark extends SortedMapBenchmark {
    /** A {@link PeerTreeMaps} constant. */
    @Param({"MVSTORE_SHM", "MVSTORE_SYNC1000_DISK"})
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
