package io.regionpm.bench.tree;

import java.nio.file.Path;

import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.openjdk.jmh.infra.Blackhole;

/**
 * H2 MVStore 2.3.232 as a {@link TreeUnderTest}: {@code new MVStore.Builder().fileName(f)
 * .autoCommitDisabled().open()}, one {@code MVMap} with the default data types ({@code Long},
 * {@code String}, {@code byte[]}), {@code store.commit()} (plus {@code store.sync()} on a disk)
 * after every {@code commitEvery}-th write and at the end of a phase. Scans through
 * {@code map.cursor(from)} ({@code hasNext}, {@code next}, {@code getValue}).
 */
final class MvStoreTrees {
    private MvStoreTrees() {
    }

    /**
     * @param where       {@code /dev/shm} or disk
     * @param sync        whether a commit also syncs the file ({@code store.sync()})
     * @param commitEvery writes per commit
     * @return workload A in a fresh store
     */
    static TreeUnderTest.LongLong longLong(Path where, boolean sync, int commitEvery) {
        Path dir = TreeKind.newDir(where);
        MVStore store = open(dir);
        MVMap<Long, Long> map = store.openMap("a");
        return new TreeUnderTest.LongLong(store, dir, commitEvery, commitAction(store, sync)) {
            @Override
            public long get(long key) {
                Long v = map.get(key);
                return v == null ? MISSING : v;
            }

            @Override
            public void put(long key, long value) {
                map.put(key, value);
            }

            @Override
            public long remove(long key) {
                Long v = map.remove(key);
                return v == null ? MISSING : v;
            }

            @Override
            public long scan(long from, int count) {
                Cursor<Long, Long> c = map.cursor(from);
                long sum = 0;
                for (int i = 0; i < count && c.hasNext(); i++) {
                    long k = c.next();
                    sum += k * 31 + c.getValue();
                }
                return sum;
            }
        };
    }

    /** The same for workload B; see {@link #longLong}. */
    static TreeUnderTest.StringBytes stringBytes(Path where, boolean sync, int commitEvery) {
        Path dir = TreeKind.newDir(where);
        MVStore store = open(dir);
        MVMap<String, byte[]> map = store.openMap("b");
        return new TreeUnderTest.StringBytes(store, dir, commitEvery, commitAction(store, sync)) {
            @Override
            public byte[] get(String key) {
                return map.get(key);
            }

            @Override
            public byte[] put(String key, byte[] value) {
                return map.put(key, value);
            }

            @Override
            public byte[] remove(String key) {
                return map.remove(key);
            }

            @Override
            public int scan(String from, int count, Blackhole bh) {
                Cursor<String, byte[]> c = map.cursor(from);
                int i = 0;
                for (; i < count && c.hasNext(); i++) {
                    bh.consume(c.next());
                    bh.consume(c.getValue());
                }
                return i;
            }
        };
    }

    private static MVStore open(Path dir) {
        return new MVStore.Builder().fileName(dir.resolve("map.mv.db").toString()).autoCommitDisabled().open();
    }

    private static Runnable commitAction(MVStore store, boolean sync) {
        return sync ? () -> {
            store.commit();
            store.sync();
        } : store::commit;
    }
}
