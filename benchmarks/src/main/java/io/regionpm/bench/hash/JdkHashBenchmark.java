package io.regionpm.bench.hash;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** {@link HashMapBenchmark} for {@code java.util.HashMap} and {@code ConcurrentHashMap}: the in-memory limit. */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class JdkHashBenchmark extends HashMapBenchmark {
    /** A {@link PeerHashMaps} constant. */
    @Param({"HASH_MAP", "CONCURRENT_HASH_MAP"})
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
