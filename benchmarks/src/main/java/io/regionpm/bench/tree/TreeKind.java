package io.regionpm.bench.tree;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A sorted map implementation and configuration under test: opens fresh, empty maps of the
 * workloads of issue 7 (A and B of the hash issue; C, the range scans, runs on either). Every
 * kind orders {@code long} keys as signed numbers and string keys by their bytes (the keys are
 * ASCII), so a scan from a given key visits the same entries in every kind. Implemented by
 * {@link PeerTreeMaps} and, once the trees are merged, by {@code OursTreeMaps}; {@link #byName}
 * finds either by constant name (the benchmarks' {@code map} parameter).
 */
public interface TreeKind {
    /** @return the constant name, the {@code map} parameter's value */
    String name();

    /** @return where the data lives, for the results: "heap", "/dev/shm" or "disk" */
    String where();

    /**
     * @param entries the number of entries the map will hold (for kinds that size up front)
     * @return a fresh, empty {@code long -> long} map
     */
    TreeUnderTest.LongLong openLongLong(int entries);

    /**
     * @param entries the number of entries the map will hold
     * @return a fresh, empty map of 16-character (16-byte ASCII) string keys to 100-byte values
     */
    TreeUnderTest.StringBytes openStringBytes(int entries);

    /** Length of workload B's keys, in characters (all ASCII, so also bytes in UTF-8). */
    int KEY_CHARS = io.regionpm.bench.BenchKeys.KEY_CHARS;
    /** Length of workload B's values, in bytes. */
    int VALUE_BYTES = 100;

    /** @return {@code /dev/shm}: files for NONE-like runs (page cache only, never synced to a disk) */
    static Path shm() {
        return Path.of(System.getProperty("treebench.shm", "/dev/shm"));
    }

    /** @return a directory on a disk ({@code java.io.tmpdir}, ext4 here) for durable runs */
    static Path disk() {
        return Path.of(System.getProperty("treebench.disk", System.getProperty("java.io.tmpdir")));
    }

    /**
     * @param parent where
     * @return a new, empty directory under {@code parent}, owned by one map
     */
    static Path newDir(Path parent) {
        try {
            return Files.createTempDirectory(parent, "treebench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param name a constant of {@link PeerTreeMaps} or of {@code OursTreeMaps} (when present)
     * @return that kind
     */
    static TreeKind byName(String name) {
        for (PeerTreeMaps k : PeerTreeMaps.values()) {
            if (k.name().equals(name)) {
                return k;
            }
        }
        try {
            // OursTreeMaps is compiled in only once pcollections-tree exports PersistentBPlusTree and PersistentAvlTree
            Class<?> ours = Class.forName("io.regionpm.bench.tree.OursTreeMaps");
            for (Object k : ours.getEnumConstants()) {
                if (((TreeKind) k).name().equals(name)) {
                    return (TreeKind) k;
                }
            }
        } catch (ClassNotFoundException e) {
            // not there yet
        }
        throw new IllegalArgumentException("no tree kind " + name);
    }
}
