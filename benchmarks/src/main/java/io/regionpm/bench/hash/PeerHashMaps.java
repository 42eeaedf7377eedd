package io.regionpm.bench.hash;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.concurrent.ConcurrentHashMap;

import net.openhft.chronicle.map.ChronicleMap;

import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/**
 * The peers of the hash-map comparison (issue 5). Each constant opens fresh, empty maps of
 * both workloads; the benchmark class that runs a constant carries the JVM flags its library
 * needs on JDK 25 (see {@code shared/notes/peers-on-jdk25.md}).
 */
public enum PeerHashMaps implements MapKind {
    /** {@code java.util.HashMap} on the heap: the in-memory limit (single-writer; gets from two threads are safe). */
    HASH_MAP("heap") {
        @Override
        public MapUnderTest.LongLong openLongLong(int entries) {
            return new MapUnderTest.LongLong(new HashMap<>(), null, null);
        }

        @Override
        public MapUnderTest<String, byte[]> openStringBytes(int entries) {
            return new MapUnderTest<>(new HashMap<>(), null, null);
        }
    },
    /** {@code java.util.concurrent.ConcurrentHashMap} on the heap, default initial capacity. */
    CONCURRENT_HASH_MAP("heap") {
        @Override
        public MapUnderTest.LongLong openLongLong(int entries) {
            return new MapUnderTest.LongLong(new ConcurrentHashMap<>(), null, null);
        }

        @Override
        public MapUnderTest<String, byte[]> openStringBytes(int entries) {
            return new MapUnderTest<>(new ConcurrentHashMap<>(), null, null);
        }
    },
    /** MapDB 3.1.0 {@code HTreeMap}, mmap file on {@code /dev/shm}, no transactions (never synced, not crash-safe). */
    MAPDB_MMAP_SHM("/dev/shm") {
        @Override
        public MapUnderTest.LongLong openLongLong(int entries) {
            Path dir = MapKind.newDir(MapKind.shm());
            DB db = mapDb(dir, false);
            return MapUnderTest.committingLongLong(
                    db.hashMap("a", Serializer.LONG, Serializer.LONG).createOrOpen(), db, dir, 0, () -> { });
        }

        @Override
        public MapUnderTest<String, byte[]> openStringBytes(int entries) {
            Path dir = MapKind.newDir(MapKind.shm());
            DB db = mapDb(dir, false);
            return MapUnderTest.committing(
                    db.hashMap("b", Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen(), db, dir, 0, () -> { });
        }
    },
    /** MapDB with transactions (write-ahead log, mmap file on a disk), {@code db.commit()} after every 1000th write. */
    MAPDB_TX1000_DISK("disk") {
        @Override
        public MapUnderTest.LongLong openLongLong(int entries) {
            return txLongLong(1000);
        }

        @Override
        public MapUnderTest<String, byte[]> openStringBytes(int entries) {
            return txStringBytes(1000);
        }
    },
    /** MapDB with transactions on a disk, {@code db.commit()} after every write. */
    MAPDB_TX1_DISK("disk") {
        @Override
        public MapUnderTest.LongLong openLongLong(int entries) {
            return txLongLong(1);
        }

        @Override
        public MapUnderTest<String, byte[]> openStringBytes(int entries) {
            return txStringBytes(1);
        }
    },
    /**
     * Chronicle Map 3.27ea0 persisted to a file on {@code /dev/shm} ({@code createPersistedTo};
     * Chronicle Map never syncs, so a disk file would only add page-cache write-back), sized
     * for {@code entries} with workload B's average key and value set.
     */
    CHRONICLE_SHM("/dev/shm") {
        @Override
        public MapUnderTest.LongLong openLongLong(int entries) {
            Path dir = MapKind.newDir(MapKind.shm());
            try {
                ChronicleMap<Long, Long> m = ChronicleMap.of(Long.class, Long.class)
                        .name("a").entries(entries)
                        .createPersistedTo(dir.resolve("a.cm").toFile());
                return new MapUnderTest.LongLong(m, m, dir);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public MapUnderTest<String, byte[]> openStringBytes(int entries) {
            Path dir = MapKind.newDir(MapKind.shm());
            try {
                ChronicleMap<String, byte[]> m = ChronicleMap.of(String.class, byte[].class)
                        .name("b").entries(entries)
                        .averageKey("0123456789abcdef")
                        .averageValue(new byte[VALUE_BYTES])
                        .createPersistedTo(dir.resolve("b.cm").toFile());
                return new MapUnderTest<>(m, m, dir);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    };

    private final String where;

    PeerHashMaps(String where) {
        this.where = where;
    }

    @Override
    public String where() {
        return where;
    }

    static DB mapDb(Path dir, boolean transactions) {
        DBMaker.Maker maker = DBMaker.fileDB(dir.resolve("map.db").toFile()).fileMmapEnable();
        if (transactions) {
            maker = maker.transactionEnable();
        }
        return maker.make();
    }

    static MapUnderTest.LongLong txLongLong(int commitEvery) {
        Path dir = MapKind.newDir(MapKind.disk());
        DB db = mapDb(dir, true);
        return MapUnderTest.committingLongLong(
                db.hashMap("a", Serializer.LONG, Serializer.LONG).createOrOpen(), db, dir, commitEvery, db::commit);
    }

    static MapUnderTest<String, byte[]> txStringBytes(int commitEvery) {
        Path dir = MapKind.newDir(MapKind.disk());
        DB db = mapDb(dir, true);
        return MapUnderTest.committing(
                db.hashMap("b", Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen(), db, dir, commitEvery,
                db::commit);
    }
}
