package io.regionpm.bench.hash;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@link HashMapBenchmark} for MapDB with transactions on a disk, committing after every
 * write. Every commit syncs the write-ahead log, so a load or removal of a million keys would
 * take hours (about 200 commits/s on the ext4 disk here): this class defaults to 2,000 entries. Its gets are MapDB's
 * transactional store's gets (no commit involved), so run only its writes:
 * {@code ./pcw bench 'MapDbTx1HashBenchmark.(load|update|remove)'}.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class MapDbTx1HashBenchmark extends HashMapBenchmark {
    /** A {@link PeerHashMaps} constant. */
    @Param({"MAPDB_TX1_DISK"})
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
