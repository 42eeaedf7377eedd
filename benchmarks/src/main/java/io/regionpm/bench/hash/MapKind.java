package io.regionpm.bench.hash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A map implementation and configuration under test: opens fresh, empty maps of the two
 * workloads of issue 5. Implemented by {@link PeerHashMaps} and, once {@code PersistentHashMap}
 * is merged, by {@code OursHashMaps}; {@link #byName} finds either by constant name (the
 * benchmarks' {@code map} parameter).
 */
public interface MapKind {
    /** @return the constant name, the {@code map} parameter's value */
    String name();

    /** @return where the data lives, for the results: "heap", "/dev/shm" or "disk" */
    String where();

    /**
     * @param entries the number of entries the map will hold (for kinds that size up front)
     * @return a fresh, empty {@code long -> long} map
     */
    MapUnderTest.LongLong openLongLong(int entries);

    /**
     * @param entries the number of entries the map will hold
     * @return a fresh, empty map of 16-character (16-byte ASCII) string keys to 100-byte values
     */
    MapUnderTest<String, byte[]> openStringBytes(int entries);

    /** Length of workload B's keys, in characters (all ASCII, so also bytes in UTF-8). */
    int KEY_CHARS = io.regionpm.bench.BenchKeys.KEY_CHARS;
    /** Length of workload B's values, in bytes. */
    int VALUE_BYTES = 100;

    /** @return {@code /dev/shm}: files for NONE-like runs (page cache only, never synced to a disk) */
    static Path shm() {
        return Path.of(System.getProperty("hashbench.shm", "/dev/shm"));
    }

    /** @return a directory on a disk ({@code java.io.tmpdir}, ext4 here) for durable runs */
    static Path disk() {
        return Path.of(System.getProperty("hashbench.disk", System.getProperty("java.io.tmpdir")));
    }

    /**
     * @param parent where
     * @return a new, empty directory under {@code parent}, owned by one map
     */
    static Path newDir(Path parent) {
        try {
            return Files.createTempDirectory(parent, "hashbench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param name a constant of {@link PeerHashMaps} or of {@code OursHashMaps} (when present)
     * @return that kind
     */
    static MapKind byName(String name) {
        for (PeerHashMaps k : PeerHashMaps.values()) {
            if (k.name().equals(name)) {
                return k;
            }
        }
        try {
            // OursHashMaps is compiled in only once pcollections-hash exports PersistentHashMap
            Class<?> ours = Class.forName("io.regionpm.bench.hash.OursHashMaps");
            for (Object k : ours.getEnumConstants()) {
                if (((MapKind) k).name().equals(name)) {
                    return (MapKind) k;
                }
            }
        } catch (ClassNotFoundException e) {
            // not there yet
        }
        throw new IllegalArgumentException("no map kind " + name);
    }
}
