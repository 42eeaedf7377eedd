package io.regionpm.bench.tree;

import java.nio.file.Path;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

import org.lmdbjava.EnvFlags;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/**
 * The peers of the sorted-tree comparison (issue 7). Each constant opens fresh, empty maps of
 * both workloads; the benchmark class that runs a constant carries the JVM flags its library
 * needs on JDK 25 (see {@code shared/notes/peers-on-jdk25.md}).
 */
public enum PeerTreeMaps implements TreeKind {
    /** {@code java.util.TreeMap} on the heap: the in-memory limit (single-writer; gets from two threads are safe). */
    TREE_MAP("heap") {
        @Override
        public TreeUnderTest.LongLong openLongLong(int entries) {
            return NavigableTrees.longLong(new TreeMap<>(), null, null, 0, null);
        }

        @Override
        public TreeUnderTest.StringBytes openStringBytes(int entries) {
            return NavigableTrees.stringBytes(new TreeMap<>(), null, null, 0, null);
        }
    },
    /** {@code java.util.concurrent.ConcurrentSkipListMap} on the heap. */
    CONCURRENT_SKIP_LIST_MAP("heap") {
        @Override
        public TreeUnderTest.LongLong openLongLong(int entries) {
            return NavigableTrees.longLong(new ConcurrentSkipListMap<>(), null, null, 0, null);
        }

        @Override
        public TreeUnderTest.StringBytes openStringBytes(int entries) {
            return NavigableTrees.stringBytes(new ConcurrentSkipListMap<>(), null, null, 0, null);
        }
    },
    /** MapDB 3.1.0 {@code BTreeMap}, mmap file on {@code /dev/shm}, no transactions (never synced, not crash-safe). */
    MAPDB_MMAP_SHM("/dev/shm") {
        @Override
        public TreeUnderTest.LongLong openLongLong(int entries) {
            return mapDbLongLong(TreeKind.shm(), false, 0);
        }

        @Override
        public TreeUnderTest.StringBytes openStringBytes(int entries) {
            return mapDbStringBytes(TreeKind.shm(), false, 0);
        }
    },
    /** MapDB with transactions (write-ahead log, mmap file on a disk), {@code db.commit()} after every 1000th write. */
    MAPDB_TX1000_DISK("disk") {
        @Override
        public TreeUnderTest.LongLong openLongLong(int entries) {
            return mapDbLongLong(TreeKind.disk(), true, 1000);
        }

        @Override
        public TreeUnderTest.StringBytes openStringBytes(int entries) {
            return mapDbStringBytes(TreeKind.disk(), true, 1000);
        }
    },
    /** MapDB with transactions on a disk, {@code db.commit()} after every write. */
    MAPDB_TX1_DISK("disk") {
        @Override
        public TreeUnderTest.LongLong openLongLong(int entries) {
            return mapDbLongLong(TreeKind.disk(), true, 1);
        }

        @Override
        public TreeUnderTest.StringBytes openStringBytes(int entries) {
            return mapDbStringBytes(TreeKind.disk(), true, 1);
        }
    },
    /** lmdbjava, environment on {@code /dev/shm} with {@code MDB_NOSYNC}, a write transaction per put or delete. */
    LMDB_NOSYNC_SHM("/dev/shm") {
        @Override
        public TreeUnderTest.LongLong openLongLong(int entries) {
            return LmdbTrees.longLong(TreeKind.shm(), 1, entries, EnvFlags.MDB_NOSYNC);
        }

        @Override
        public TreeUnderTest.StringBytes openStringBytes(int entries) {
            return LmdbTrees.stringBytes(TreeKind.shm(), 1, entries, EnvFlags.MDB_NOSYNC);
        }
    },
    /**
     * lmdbjava on {@code /dev/shm} with {@code MDB_NOSYNC} and {@code MDB_WRITEMAP} (pages written
     * in the map, no {@code pwrite} at commit), a write transaction per put or delete: LMDB's
     * fastest atomic-per-write setting.
     */
    LMDB_NOSYNC_WRITEMAP_SHM("/dev/shm") {
        @Override
        public TreeUnderTest.LongLong openLongLong(int entries) {
            return LmdbTrees.longLong(TreeKind.shm(), 1, entries, EnvFlags.MDB_NOSYNC, EnvFlags.MDB_WRITEMAP);
        }

        @Override
        public TreeUnderTest.StringBytes openStringBytes(int entries) {
            return LmdbTrees.stringBytes(TreeKind.shm(), 1, entries, EnvFlags.MDB_NOSYNC, EnvFlags.MDB_WRITEMAP);
        }
    },
    /** lmdbjava on a disk, synced commits, a write transaction of 1000 puts or deletes. */
    LMDB_SYNC1000_DISK("disk") {
        @Override
        public TreeUnderTest.LongLong openLongLong(int entries) {
            return LmdbTrees.longLong(TreeKind.disk(), 1000, entries);
        }

        @Override
        public TreeUnderTest.StringBytes openStringBytes(int entries) {
            return LmdbTrees.stringBytes(TreeKind.disk(), 1000, entries);
        }
    },
    /** lmdbjava on a disk, synced commits, a write transaction per put or delete. */
    LMDB_SYNC1_DISK("disk") {
        @Override
        public TreeUnderTest.LongLong openLongLong(int entries) {
            return LmdbTrees.longLong(TreeKind.disk(), 1, entries);
        }

        @Override
        public TreeUnderTest.StringBytes openStringBytes(int entries) {
            return LmdbTrees.stringBytes(TreeKind.disk(), 1, entries);
        }
    },
    /** H2 MVStore, file on {@code /dev/shm}, autocommit off, {@code store.commit()} after every 1000th write (never synced). */
    MVSTORE_SHM("/dev/shm") {
        @Override
        public TreeUnderTest.LongLong openLongLong(int entries) {
            return MvStoreTrees.longLong(TreeKind.shm(), false, 1000);
        }

        @Override
        public TreeUnderTest.StringBytes openStringBytes(int entries) {
            return MvStoreTrees.stringBytes(TreeKind.shm(), false, 1000);
        }
    },
    /** H2 MVStore, file on a disk, autocommit off, {@code store.commit()} and {@code store.sync()} after every 1000th write. */
    MVSTORE_SYNC1000_DISK("disk") {
        @Override
        public TreeUnderTest.LongLong openLongLong(int entries) {
            return MvStoreTrees.longLong(TreeKind.disk(), true, 1000);
        }

        @Override
        public TreeUnderTest.StringBytes openStringBytes(int entries) {
            return MvStoreTrees.stringBytes(TreeKind.disk(), true, 1000);
        }
    };

    private final String where;

    PeerTreeMaps(String where) {
        this.where = where;
    }

    @Override
    public String where() {
        return where;
    }

    private static DB mapDb(Path dir, boolean transactions) {
        DBMaker.Maker maker = DBMaker.fileDB(dir.resolve("map.db").toFile()).fileMmapEnable();
        if (transactions) {
            maker = maker.transactionEnable();
        }
        return maker.make();
    }

    /** {@code db.treeMap("a", Serializer.LONG, Serializer.LONG)}; commits every {@code commitEvery} writes (0: never). */
    private static TreeUnderTest.LongLong mapDbLongLong(Path where, boolean transactions, int commitEvery) {
        Path dir = TreeKind.newDir(where);
        DB db = mapDb(dir, transactions);
        BTreeMap<Long, Long> m = db.treeMap("a", Serializer.LONG, Serializer.LONG).createOrOpen();
        return NavigableTrees.longLong(m, db, dir, commitEvery, transactions ? db::commit : null);
    }

    /** {@code db.treeMap("b", Serializer.STRING, Serializer.BYTE_ARRAY)}; see {@link #mapDbLongLong}. */
    private static TreeUnderTest.StringBytes mapDbStringBytes(Path where, boolean transactions, int commitEvery) {
        Path dir = TreeKind.newDir(where);
        DB db = mapDb(dir, transactions);
        BTreeMap<String, byte[]> m = db.treeMap("b", Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen();
        return NavigableTrees.stringBytes(m, db, dir, commitEvery, transactions ? db::commit : null);
    }
}
