package io.regionpm.bench.hash;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@link HashMapBenchmark} for ours ({@link OursHashMaps}). The per-write durable kinds
 * ({@code OURS_SHADOW_PMSYNC1_DISK}, {@code OURS_SHADOW_SYNC_DISK}) run at MapDbTx1HashBenchmark's
 * size: {@code ./pcw bench 'MapDbTx1HashBenchmark.(load|update|remove)' -p map=MAPDB_TX1_DISK,OURS_SHADOW_PMSYNC1_DISK,OURS_SHADOW_SYNC_DISK}.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class OursHashBenchmark extends HashMapBenchmark {
    /** An {@link OursHashMaps} constant. */
    @Param({"OURS_SHADOW_SHM", "OURS_IN_PLACE_SHM", "OURS_SHADOW_PMSYNC1000_DISK", "OURS_IN_PLACE_PMSYNC1000_DISK"})
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
