package io.regionpm.bench.hash;

import java.nio.file.Path;

import io.regionpm.alloc.PmsyncStore;
import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.hash.PersistentHashMap;
import io.regionpm.hash.PersistentLongLongHashMap;

/**
 * Ours in the hash-map comparison of issue 5: {@code PersistentLongLongHashMap} (workload A,
 * through its primitive methods) and {@code PersistentHashMap<String, byte[]>} with
 * {@code Codecs.STRING} and {@code Codecs.BYTES} (workload B), each alone in a fresh pool.
 *
 * <p>Kept as {@code OursHashMaps.java.pending} (not compiled) until {@code pcollections-hash}
 * exports {@code io.regionpm.hash}; see docs/benchmarks.md, "Hash maps (issue 5)", for the
 * steps that wire it in.
 */
public enum OursHashMaps implements MapKind {
    /** SHADOW updates, NONE pool on {@code /dev/shm}: crash-atomic, never synced (compare MAPDB_MMAP_SHM, CHRONICLE_SHM). */
    OURS_SHADOW_SHM("/dev/shm", UpdateStrategy.SHADOW, Durability.NONE, 0),
    /** IN_PLACE updates, NONE pool on {@code /dev/shm}. */
    OURS_IN_PLACE_SHM("/dev/shm", UpdateStrategy.IN_PLACE, Durability.NONE, 0),
    /** SHADOW, PMSYNC pool on a disk, {@code pool.pmsync()} after every 1000th write (compare MAPDB_TX1000_DISK). */
    OURS_SHADOW_PMSYNC1000_DISK("disk", UpdateStrategy.SHADOW, Durability.PMSYNC, 1000),
    /** IN_PLACE, PMSYNC pool on a disk, {@code pool.pmsync()} after every 1000th write. */
    OURS_IN_PLACE_PMSYNC1000_DISK("disk", UpdateStrategy.IN_PLACE, Durability.PMSYNC, 1000),
    /** SHADOW, PMSYNC pool on a disk, {@code pool.pmsync()} after every write (compare MAPDB_TX1_DISK). */
    OURS_SHADOW_PMSYNC1_DISK("disk", UpdateStrategy.SHADOW, Durability.PMSYNC, 1),
    /** SHADOW, SYNC pool on a disk: every write durable when it returns (compare MAPDB_TX1_DISK). */
    OURS_SHADOW_SYNC_DISK("disk", UpdateStrategy.SHADOW, Durability.SYNC, 0);

    private final String where;
    private final UpdateStrategy strategy;
    private final Durability durability;
    private final int pmsyncEvery;

    OursHashMaps(String where, UpdateStrategy strategy, Durability durability, int pmsyncEvery) {
        this.where = where;
        this.strategy = strategy;
        this.durability = durability;
        this.pmsyncEvery = pmsyncEvery;
    }

    @Override
    public String where() {
        return where;
    }

    @Override
    public MapUnderTest.LongLong openLongLong(int entries) {
        Opened o = openPool(entries, 64);
        PersistentLongLongHashMap m = PersistentLongLongHashMap.open(o.pool, "a", strategy);
        return new MapUnderTest.LongLong(m, o::close, o.dir) {
            private int writes;

            @Override
            public long get(long key) {
                return m.getIfAbsent(key, MISSING);
            }

            @Override
            public void put(long key, long value) {
                m.put(key, value);
            }

            @Override
            public long remove(long key) {
                return m.removeKeyIfAbsent(key, MISSING);
            }

            @Override
            public void afterWrite() {
                if (pmsyncEvery > 0 && ++writes == pmsyncEvery) {
                    writes = 0;
                    o.pool.pmsync();
                }
            }

            @Override
            public void commit() {
                writes = 0;
                o.pool.pmsync();
            }
        };
    }

    @Override
    public MapUnderTest<String, byte[]> openStringBytes(int entries) {
        Opened o = openPool(entries, 256);
        PersistentHashMap<String, byte[]> m = PersistentHashMap.open(o.pool, "b", Codecs.STRING, Codecs.BYTES, strategy);
        return MapUnderTest.committing(m, o::close, o.dir, pmsyncEvery, o.pool::pmsync);
    }

    /** A pool alone in its own directory. */
    private record Opened(Pool pool, Path path, Path dir, boolean pmsync) {
        void close() {
            pool.close();
            if (pmsync) {
                PmsyncStore.discardWorkingImage(path, PmsyncStore.DEFAULT_WORK_DIR);
            }
        }
    }

    /** @param bytesPerEntry a generous bound on the pool bytes per entry (the file is sparse) */
    private Opened openPool(int entries, long bytesPerEntry) {
        Path dir = MapKind.newDir(where.equals("disk") ? MapKind.disk() : MapKind.shm());
        Path path = dir.resolve("map.pool");
        long size = Math.max(256L << 20, (long) entries * bytesPerEntry * 2);
        Pool pool = Pool.open(path, PoolOptions.create(size).withDurability(durability));
        return new Opened(pool, path, dir, durability == Durability.PMSYNC);
    }
}
