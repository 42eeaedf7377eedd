package io.regionpm.bench.tree;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;
import org.openjdk.jmh.infra.Blackhole;

/**
 * lmdbjava 0.9.1 (LMDB 0.9.x) as a {@link TreeUnderTest}, the way an lmdbjava user writes it:
 * one {@code Env} with one named {@code Dbi} of {@code ByteBuffer}s in a directory of its own,
 * direct buffers allocated once and reused for every key and value.
 *
 * <ul>
 *   <li>Keys: A: the {@code long} big-endian with its sign bit flipped (LMDB compares keys as
 *       unsigned bytes, so this is signed order, as every other kind); B: the 16 ASCII bytes.
 *       Values: A: 8 bytes big-endian; B: the 100 bytes.</li>
 *   <li>Writes (one thread): a write transaction is begun by the first write after a commit and
 *       committed by {@link TreeUnderTest#afterWrite()} after every {@code batch}-th write and by
 *       {@link TreeUnderTest#commit()}: {@code batch} = 1 is a transaction per put or delete.
 *       Whether a commit syncs is the environment's {@code MDB_NOSYNC} flag; with
 *       {@code MDB_WRITEMAP} LMDB writes its pages in the map itself instead of with
 *       {@code pwrite} at commit (faster writes, the configuration of speed-minded users).</li>
 *   <li>Reads (any thread): each thread has its own read-only transaction, kept between reads
 *       in the reset state ({@code mdb_txn_reset}) and renewed for each get or scan, the cheap
 *       way to give each read a fresh snapshot; its own cursor (renewed with the transaction)
 *       and key buffer. B's gets and scans copy the value out into a new {@code byte[]} and
 *       scans decode the key into a new {@code String} (what a {@code Map} user gets);
 *       {@code put} and {@code remove} return nothing (LMDB's put and delete do not read the old
 *       value).</li>
 * </ul>
 */
final class LmdbTrees {
    private LmdbTrees() {
    }

    /** An environment and its database, shared by the writer and the per-thread readers. */
    private static final class Store implements AutoCloseable {
        final Env<ByteBuffer> env;
        final Dbi<ByteBuffer> db;
        final int batch;
        final ByteBuffer key;
        final ByteBuffer val;
        private final int keyBytes;
        private final List<Reader> readers = new ArrayList<>();
        private final ThreadLocal<Reader> reader = ThreadLocal.withInitial(this::newReader);
        private Txn<ByteBuffer> write;
        private int writes;

        Store(Path dir, long mapBytes, int batch, int keyBytes, int valueBytes, EnvFlags... flags) {
            EnvFlags[] all = Arrays.copyOf(flags, flags.length + 1);
            all[flags.length] = EnvFlags.MDB_NOTLS; // read transactions not bound to a thread's slot
            env = Env.create().setMapSize(mapBytes).setMaxDbs(1).open(dir.toFile(), all);
            db = env.openDbi("t", DbiFlags.MDB_CREATE);
            this.batch = batch;
            this.keyBytes = keyBytes;
            key = ByteBuffer.allocateDirect(keyBytes);
            val = ByteBuffer.allocateDirect(valueBytes);
        }

        /** @return the open write transaction, begun if there is none */
        Txn<ByteBuffer> write() {
            if (write == null) {
                write = env.txnWrite();
            }
            return write;
        }

        void afterWrite() {
            if (++writes == batch) {
                commit();
            }
        }

        void commit() {
            writes = 0;
            if (write != null) {
                write.commit();
                write.close();
                write = null;
            }
        }

        /** @return this thread's reader, its transaction renewed: call {@link Reader#done()} after */
        Reader read() {
            Reader r = reader.get();
            r.txn.renew();
            return r;
        }

        private synchronized Reader newReader() {
            Txn<ByteBuffer> txn = env.txnRead();
            Reader r = new Reader(txn, db.openCursor(txn), ByteBuffer.allocateDirect(keyBytes));
            txn.reset();
            readers.add(r);
            return r;
        }

        @Override
        public synchronized void close() {
            commit();
            for (Reader r : readers) {
                r.cursor.close();
                r.txn.renew(); // Txn.close aborts only a ready transaction, not a reset one
                r.txn.close();
            }
            readers.clear();
            db.close();
            env.close();
        }
    }

    /** One thread's read transaction, cursor and key buffer. */
    private record Reader(Txn<ByteBuffer> txn, Cursor<ByteBuffer> cursor, ByteBuffer key) {
        /** Positions the cursor at the least key {@code >=} {@link #key}, in the renewed transaction. */
        boolean seek() {
            cursor.renew(txn);
            return cursor.get(key, GetOp.MDB_SET_RANGE);
        }

        void done() {
            txn.reset();
        }
    }

    /**
     * @param where    {@code /dev/shm} or disk
     * @param batch    writes per write transaction
     * @param entries  the entries the map will hold (sizes the sparse map)
     * @param flags    environment flags ({@code MDB_NOSYNC}, {@code MDB_WRITEMAP}; {@code MDB_NOTLS} is added)
     * @return workload A in a fresh environment
     */
    static TreeUnderTest.LongLong longLong(Path where, int batch, int entries, EnvFlags... flags) {
        Path dir = TreeKind.newDir(where);
        Store s = new Store(dir, mapBytes(entries, 64), batch, Long.BYTES, Long.BYTES, flags);
        return new TreeUnderTest.LongLong(s, dir, 0, null) {
            @Override
            public long get(long k) {
                Reader r = s.read();
                try {
                    r.key.putLong(0, k ^ Long.MIN_VALUE);
                    ByteBuffer v = s.db.get(r.txn, r.key);
                    return v == null ? MISSING : v.getLong(v.position());
                } finally {
                    r.done();
                }
            }

            @Override
            public void put(long k, long value) {
                s.key.putLong(0, k ^ Long.MIN_VALUE);
                s.val.putLong(0, value);
                s.db.put(s.write(), s.key, s.val);
            }

            @Override
            public long remove(long k) {
                s.key.putLong(0, k ^ Long.MIN_VALUE);
                return s.db.delete(s.write(), s.key) ? 0 : MISSING;
            }

            @Override
            public long scan(long from, int count) {
                Reader r = s.read();
                try {
                    r.key.putLong(0, from ^ Long.MIN_VALUE);
                    long sum = 0;
                    boolean more = r.seek();
                    for (int i = 0; i < count && more; i++) {
                        ByteBuffer ck = r.cursor.key();
                        ByteBuffer cv = r.cursor.val();
                        sum += (ck.getLong(ck.position()) ^ Long.MIN_VALUE) * 31 + cv.getLong(cv.position());
                        more = i + 1 < count && r.cursor.next();
                    }
                    return sum;
                } finally {
                    r.done();
                }
            }

            @Override
            public void afterWrite() {
                s.afterWrite();
            }

            @Override
            public void commit() {
                s.commit();
            }
        };
    }

    /** The same for workload B; see {@link #longLong}. */
    static TreeUnderTest.StringBytes stringBytes(Path where, int batch, int entries, EnvFlags... flags) {
        Path dir = TreeKind.newDir(where);
        Store s = new Store(dir, mapBytes(entries, 512), batch, TreeKind.KEY_CHARS, TreeKind.VALUE_BYTES, flags);
        return new TreeUnderTest.StringBytes(s, dir, 0, null) {
            @Override
            public byte[] get(String k) {
                Reader r = s.read();
                try {
                    ascii(k, r.key);
                    ByteBuffer v = s.db.get(r.txn, r.key);
                    return v == null ? null : copy(v);
                } finally {
                    r.done();
                }
            }

            @Override
            public byte[] put(String k, byte[] value) {
                ascii(k, s.key);
                s.val.put(0, value);
                s.db.put(s.write(), s.key, s.val);
                return null;
            }

            @Override
            public byte[] remove(String k) {
                ascii(k, s.key);
                s.db.delete(s.write(), s.key);
                return null;
            }

            @Override
            public int scan(String from, int count, Blackhole bh) {
                Reader r = s.read();
                try {
                    ascii(from, r.key);
                    int i = 0;
                    boolean more = r.seek();
                    for (; i < count && more; i++) {
                        bh.consume(string(r.cursor.key()));
                        bh.consume(copy(r.cursor.val()));
                        more = i + 1 < count && r.cursor.next();
                    }
                    return i;
                } finally {
                    r.done();
                }
            }

            @Override
            public void afterWrite() {
                s.afterWrite();
            }

            @Override
            public void commit() {
                s.commit();
            }
        };
    }

    /** @return a map size comfortably above what {@code entries} need (the file is sparse) */
    private static long mapBytes(int entries, long bytesPerEntry) {
        return Math.max(256L << 20, entries * bytesPerEntry * 2);
    }

    /** Writes the ASCII string {@code k} into {@code b} at 0..length-1. */
    private static void ascii(String k, ByteBuffer b) {
        for (int i = 0; i < k.length(); i++) {
            b.put(i, (byte) k.charAt(i));
        }
    }

    private static byte[] copy(ByteBuffer v) {
        byte[] out = new byte[v.remaining()];
        v.get(v.position(), out);
        return out;
    }

    private static String string(ByteBuffer k) {
        byte[] b = new byte[k.remaining()];
        k.get(k.position(), b);
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
