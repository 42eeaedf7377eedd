package io.regionpm.bench.tree;

import java.nio.file.Path;
import java.util.NavigableMap;

import io.regionpm.alloc.PmsyncStore;
import io.regionpm.core.Codec;
import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.tree.PersistentAvlTree;
import io.regionpm.tree.PersistentBPlusTree;

/**
 * Ours in the sorted-tree comparison of issue 7: {@code PersistentBPlusTree} (default node size)
 * and {@code PersistentAvlTree}, each strategy, each durability mode; workload A
 * {@code <Long, Long>} with {@code Codecs.LONG}, B {@code <String, byte[]>} with
 * {@code Codecs.STRING_ORDERED} keys and {@code Codecs.BYTES} values; each tree alone in a fresh
 * sparse pool, driven through its {@code NavigableMap} methods like every other navigable kind
 * ({@link NavigableTrees}: scans are {@code tailMap(from, true).entrySet().iterator()}).
 */
public enum OursTreeMaps implements TreeKind {
    /** B+tree, SHADOW, NONE pool on {@code /dev/shm}: crash-atomic, never synced (compare MAPDB_MMAP_SHM, LMDB_NOSYNC_SHM, MVSTORE_SHM). */
    OURS_BPLUS_SHADOW_SHM(Tree.BPLUS, UpdateStrategy.SHADOW, Durability.NONE, 0),
    /** B+tree, IN_PLACE, NONE pool on {@code /dev/shm}. */
    OURS_BPLUS_IN_PLACE_SHM(Tree.BPLUS, UpdateStrategy.IN_PLACE, Durability.NONE, 0),
    /** AVL tree, SHADOW, NONE pool on {@code /dev/shm}. */
    OURS_AVL_SHADOW_SHM(Tree.AVL, UpdateStrategy.SHADOW, Durability.NONE, 0),
    /** AVL tree, IN_PLACE, NONE pool on {@code /dev/shm}. */
    OURS_AVL_IN_PLACE_SHM(Tree.AVL, UpdateStrategy.IN_PLACE, Durability.NONE, 0),
    /** B+tree, SHADOW, PMSYNC pool on a disk, {@code pool.pmsync()} after every 1000th write (compare LMDB_SYNC1000_DISK, MAPDB_TX1000_DISK, MVSTORE_SYNC1000_DISK). */
    OURS_BPLUS_SHADOW_PMSYNC1000_DISK(Tree.BPLUS, UpdateStrategy.SHADOW, Durability.PMSYNC, 1000),
    /** B+tree, IN_PLACE, PMSYNC pool on a disk, a pmsync after every 1000th write. */
    OURS_BPLUS_IN_PLACE_PMSYNC1000_DISK(Tree.BPLUS, UpdateStrategy.IN_PLACE, Durability.PMSYNC, 1000),
    /** AVL tree, SHADOW, PMSYNC pool on a disk, a pmsync after every 1000th write. */
    OURS_AVL_SHADOW_PMSYNC1000_DISK(Tree.AVL, UpdateStrategy.SHADOW, Durability.PMSYNC, 1000),
    /** AVL tree, IN_PLACE, PMSYNC pool on a disk, a pmsync after every 1000th write. */
    OURS_AVL_IN_PLACE_PMSYNC1000_DISK(Tree.AVL, UpdateStrategy.IN_PLACE, Durability.PMSYNC, 1000),
    /** B+tree, SHADOW, PMSYNC pool on a disk, a pmsync after every write (compare LMDB_SYNC1_DISK, MAPDB_TX1_DISK). */
    OURS_BPLUS_SHADOW_PMSYNC1_DISK(Tree.BPLUS, UpdateStrategy.SHADOW, Durability.PMSYNC, 1),
    /** B+tree, IN_PLACE, PMSYNC pool on a disk, a pmsync after every write. */
    OURS_BPLUS_IN_PLACE_PMSYNC1_DISK(Tree.BPLUS, UpdateStrategy.IN_PLACE, Durability.PMSYNC, 1),
    /** B+tree, SHADOW, SYNC pool on a disk: every write durable when it returns (compare LMDB_SYNC1_DISK). */
    OURS_BPLUS_SHADOW_SYNC_DISK(Tree.BPLUS, UpdateStrategy.SHADOW, Durability.SYNC, 0),
    /** B+tree, IN_PLACE, SYNC pool on a disk. */
    OURS_BPLUS_IN_PLACE_SYNC_DISK(Tree.BPLUS, UpdateStrategy.IN_PLACE, Durability.SYNC, 0),
    /** AVL tree, SHADOW, SYNC pool on a disk. */
    OURS_AVL_SHADOW_SYNC_DISK(Tree.AVL, UpdateStrategy.SHADOW, Durability.SYNC, 0),
    /** AVL tree, IN_PLACE, SYNC pool on a disk. */
    OURS_AVL_IN_PLACE_SYNC_DISK(Tree.AVL, UpdateStrategy.IN_PLACE, Durability.SYNC, 0);

    /** Which tree. */
    private enum Tree {
        BPLUS, AVL;

        <K, V> NavigableMap<K, V> open(Pool pool, String name, Codec<K> k, Codec<V> v, UpdateStrategy strategy) {
            if (this == BPLUS) {
                return PersistentBPlusTree.open(pool, name, k, v, strategy);
            }
            return PersistentAvlTree.open(pool, name, k, v, strategy);
        }
    }

    private final Tree tree;
    private final UpdateStrategy strategy;
    private final Durability durability;
    private final int pmsyncEvery;

    OursTreeMaps(Tree tree, UpdateStrategy strategy, Durability durability, int pmsyncEvery) {
        this.tree = tree;
        this.strategy = strategy;
        this.durability = durability;
        this.pmsyncEvery = pmsyncEvery;
    }

    @Override
    public String where() {
        return durability == Durability.NONE ? "/dev/shm" : "disk";
    }

    @Override
    public TreeUnderTest.LongLong openLongLong(int entries) {
        Opened o = openPool(entries, 128);
        NavigableMap<Long, Long> m = tree.open(o.pool, "a", Codecs.LONG, Codecs.LONG, strategy);
        return NavigableTrees.longLong(m, o::close, o.dir, pmsyncEvery, o.pool::pmsync);
    }

    @Override
    public TreeUnderTest.StringBytes openStringBytes(int entries) {
        Opened o = openPool(entries, 512);
        NavigableMap<String, byte[]> m = tree.open(o.pool, "b", Codecs.STRING_ORDERED, Codecs.BYTES, strategy);
        return NavigableTrees.stringBytes(m, o::close, o.dir, pmsyncEvery, o.pool::pmsync);
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
        Path dir = TreeKind.newDir(durability == Durability.NONE ? TreeKind.shm() : TreeKind.disk());
        Path path = dir.resolve("tree.pool");
        long size = Math.max(256L << 20, (long) entries * bytesPerEntry * 2);
        Pool pool = Pool.open(path, PoolOptions.create(size).withDurability(durability));
        return new Opened(pool, path, dir, durability == Durability.PMSYNC);
    }
}
