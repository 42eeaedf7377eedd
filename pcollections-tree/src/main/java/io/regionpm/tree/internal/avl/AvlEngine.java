package io.regionpm.tree.internal.avl;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolClosedException;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.alloc.PoolException;
import io.regionpm.core.Codec;
import io.regionpm.core.CodecException;
import io.regionpm.core.Pool;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.core.spi.OutOfLineValues;
import io.regionpm.recovery.PoolRuntime;
import io.regionpm.recovery.ReaderEpochs;
import io.regionpm.recovery.RobustMutex;
import io.regionpm.recovery.Transaction;
import io.regionpm.recovery.VersionWord;
import io.regionpm.tree.internal.OrderedStore;
import io.regionpm.tree.internal.Relation;

/**
 * An AVL tree in a pool, as an {@link OrderedStore}: layouts in {@link AvlHeader} and
 * {@link AvlNode}, changes in {@link AvlUpdate}, descents in {@link AvlReader}.
 *
 * <p>Concurrency protocol:
 * <ul>
 *   <li>Writers: each change is one transaction (joining the caller's) holding the tree's
 *       {@link RobustMutex}, taken once per transaction, which also registers the version
 *       hooks.</li>
 *   <li>SHADOW readers take no lock: they enter a reader epoch, read the root with acquire
 *       ordering and descend; nodes reachable from a published root never change, and the
 *       nodes writers unlink are retired, freed only once no reader can reach them.</li>
 *   <li>IN_PLACE readers take no lock: they read an even version, descend with bounds-checked
 *       reads, copy, and accept the copy only if the version is unchanged. Writers make the
 *       version odd before their first in-place write and even once their transaction has ended
 *       (committed or undone), so a copy made while nodes change or are freed is rejected. A
 *       version odd for longer than a commit takes (about 2 ms) means its writer died: the
 *       reader then takes the lock, which recovers the dead writer's lane first.</li>
 *   <li>Readers in a pool opened read-only take no reader epoch (that would be a write), so
 *       nodes a writer in another process retires may be freed and reused under them: SHADOW
 *       readers there validate against the version word as IN_PLACE readers do, SHADOW
 *       writers making it odd at commit and even once ended (a stale read is bounds-checked
 *       garbage, rejected), and {@link #pin()} is refused.</li>
 *   <li>Inside a transaction of this thread every access takes the writer lock and reads the
 *       transaction's own view of the root, so it sees its own writes.</li>
 * </ul>
 *
 * <p>Thread-safety: safe for any number of threads and processes. Crash behaviour: every
 * change is one transaction, atomic across process crashes and power loss as the pool's
 * durability promises. Heap use: constant per call (a path of {@link AvlNode#MAX_HEIGHT}
 * entries), whatever the size of the tree; a lookup allocates nothing but its result once the
 * thread's key buffers are warm.
 *
 * @param <K> keys
 * @param <V> values
 */
public final class AvlEngine<K, V> implements OrderedStore<K, V> {
    private static final int OPTIMISTIC_ATTEMPTS = 64;
    private static final long ODD_TAG = 0x0DD0L << 48;
    /** Removals per transaction of {@link #clear()} (SHADOW: bounded by the lane's limbo of retired blocks). */
    private static final int CLEAR_BATCH = 16;

    private final Pool pool;
    private final String name;
    private final PoolRuntime rt;
    private final PersistentMemory pm;
    private final long header;
    private final UpdateStrategy strategy;
    private final boolean shadow;
    /** SHADOW readers in a read-write process: a reader epoch keeps what they read (else they validate the version). */
    private final boolean epochs;
    private final Codec<K> keyCodec;
    private final Codec<V> valueCodec;
    private final RobustMutex mutex;
    private final AvlReader reader;
    private final VersionWord version;
    private final Runnable makeOdd;
    private final Runnable makeEven;

    /**
     * @param pool       the pool
     * @param name       the tree's name (for messages)
     * @param header     the header block, validated
     * @param keyCodec   the key codec (order-preserving)
     * @param valueCodec the value codec
     */
    public AvlEngine(Pool pool, String name, long header, Codec<K> keyCodec, Codec<V> valueCodec) {
        this.pool = pool;
        this.name = name;
        this.rt = pool.runtime();
        this.pm = rt.memory();
        this.header = header;
        this.version = new VersionWord(pm, AvlHeader.version(header));
        this.makeOdd = version::makeOdd;
        this.makeEven = version::makeEven;
        this.strategy = AvlHeader.strategy(pm, header);
        this.shadow = strategy == UpdateStrategy.SHADOW;
        this.epochs = shadow && !rt.isReadOnly();
        this.keyCodec = keyCodec;
        this.valueCodec = valueCodec;
        this.mutex = new RobustMutex(pm, AvlHeader.mutex(header), rt.registry());
        this.reader = new AvlReader(rt);
    }

    /**
     * Creates an empty tree's header in {@code tx}.
     *
     * @param tx       the transaction
     * @param strategy SHADOW or IN_PLACE
     * @return the header block
     */
    public static long create(Transaction tx, UpdateStrategy strategy) {
        long at = tx.allocate(AvlHeader.BYTES);
        AvlHeader.format(tx.runtime().memory(), at, strategy);
        return at;
    }

    // ---- what AvlUpdate uses -----------------------------------------------------------------

    boolean isShadow() {
        return shadow;
    }

    long header() {
        return header;
    }

    AvlReader reader() {
        return reader;
    }

    long root(Transaction tx) {
        return AvlNode.checkPointer(pm, tx.getLong(AvlHeader.root(header)), header);
    }

    long count(Transaction tx) {
        return tx.getLong(AvlHeader.count(header));
    }

    void setRootAndCount(Transaction tx, long root, long count) {
        long rootAt = AvlHeader.root(header);
        long countAt = AvlHeader.count(header);
        if (shadow) {
            if (tx.getLong(rootAt) != root) {
                tx.setLong(rootAt, root);
            }
            if (tx.getLong(countAt) != count) {
                tx.setLong(countAt, count);
            }
            return;
        }
        if (pm.getLong(rootAt) != root || pm.getLong(countAt) != count) {
            beginInPlace(tx);
            tx.snapshot(rootAt, 16);
            pm.setLong(rootAt, root);
            pm.setLong(countAt, count);
        }
    }

    /** Before a transaction's first in-place write of this tree: the version goes odd. */
    void beginInPlace(Transaction tx) {
        if (tx.firstTouch(ODD_TAG | header)) {
            version.makeOdd();
        }
    }

    /**
     * Takes the writer lock in {@code tx} (once per transaction) and registers the version
     * hooks. A version found odd right after the lock is taken was left by a writer that died
     * (taking the lock recovered its lane): it is made even.
     */
    private void lock(Transaction tx) {
        if (tx.firstTouch(AvlHeader.version(header))) {
            tx.lock(mutex);
            version.makeEven();
            tx.whenCommitting(makeOdd); // SHADOW too: for readers of read-only pools, which take no epoch
            tx.whenEnded(makeEven);
        }
    }

    // ---- consistent reads ----------------------------------------------------------------------

    /** A read from one root, whose result is a copy (validated by the caller's protocol). */
    @FunctionalInterface
    interface RootRead<R> {
        R at(long root);
    }

    /** Runs a read under the right protocol for the strategy and the calling thread. */
    private <R> R consistent(RootRead<R> read) {
        Transaction tx = rt.current();
        if (tx != null) {
            lock(tx);
            return read.at(root(tx));
        }
        if (epochs) {
            ReaderEpochs.ReadGuard guard = rt.enterRead();
            try {
                return read.at(AvlNode.checkPointer(pm, pm.getLongAcquire(AvlHeader.root(header)), header));
            } finally {
                guard.close();
            }
        }
        for (int attempt = 0; retry(attempt); attempt++) {
            long v1 = version.stable();
            if (v1 < 0) {
                if (rt.isReadOnly()) {
                    continue; // no lock to take: wait for the writer
                }
                break;
            }
            R result;
            try {
                result = read.at(AvlNode.checkPointer(pm, pm.getLongAcquire(AvlHeader.root(header)), header));
            } catch (RuntimeException e) {
                if (version.unchanged(v1)) {
                    throw e;
                }
                continue;
            }
            if (version.unchanged(v1)) {
                return result;
            }
        }
        return underLock(read);
    }

    /**
     * Whether an optimistic read tries again after {@code attempt} failed ones: up to
     * {@link #OPTIMISTIC_ATTEMPTS}, after which a read-write process takes the lock. A process
     * that opened the pool read-only cannot lock (nor recover a dead writer), so under a busy
     * writer it keeps trying, a millisecond apart, for about the pool's lock timeout.
     */
    private boolean retry(int attempt) {
        if (attempt < OPTIMISTIC_ATTEMPTS) {
            return true;
        }
        if (!rt.isReadOnly() || attempt >= OPTIMISTIC_ATTEMPTS + rt.lockTimeout().toMillis()) {
            return false;
        }
        LockSupport.parkNanos(1_000_000);
        return true;
    }

    private <R> R underLock(RootRead<R> read) {
        if (rt.isReadOnly()) {
            throw new PoolException(name + ": the AVL tree stays locked for changes (its writer died?) and this process"
                    + " opened the pool read-only: open it read-write once to recover");
        }
        return rt.transaction(() -> {
            Transaction tx = rt.current();
            lock(tx);
            return read.at(root(tx));
        });
    }


    // ---- OrderedStore --------------------------------------------------------------------------

    @Override
    public Codec<K> keyCodec() {
        return keyCodec;
    }

    @Override
    public Codec<V> valueCodec() {
        return valueCodec;
    }

    @Override
    public UpdateStrategy strategy() {
        return strategy;
    }

    @Override
    public V get(K key) {
        open();
        try {
            byte[] v = valueOf(KeyProbe.first(keyCodec, key));
            return v == null ? null : decodeValue(v);
        } catch (IllegalStateException e) {
            throw closedDuring(e);
        }
    }

    /** {@link #consistent} written out for the lookup, so that it allocates nothing but the copy. */
    private byte[] valueOf(KeyProbe k) {
        Transaction tx = rt.current();
        if (tx == null && epochs) {
            ReaderEpochs.ReadGuard guard = rt.enterRead();
            try {
                long n = reader.search(AvlNode.checkPointer(pm, pm.getLongAcquire(AvlHeader.root(header)), header), k);
                return n == 0 ? null : reader.valueBytes(n);
            } finally {
                guard.close();
            }
        }
        if (tx == null) {
            for (int attempt = 0; retry(attempt); attempt++) {
                long v1 = version.stable();
                if (v1 < 0) {
                    if (rt.isReadOnly()) {
                        continue; // no lock to take: wait for the writer
                    }
                    break;
                }
                byte[] result;
                try {
                    long n = reader.search(AvlNode.checkPointer(pm, pm.getLongAcquire(AvlHeader.root(header)), header), k);
                    result = n == 0 ? null : reader.valueBytes(n);
                } catch (RuntimeException e) {
                    if (version.unchanged(v1)) {
                        throw e;
                    }
                    continue;
                }
                if (version.unchanged(v1)) {
                    return result;
                }
            }
        }
        return consistentOrLocked(root -> {
            long n = reader.search(root, k);
            return n == 0 ? null : reader.valueBytes(n);
        });
    }

    private <R> R consistentOrLocked(RootRead<R> read) {
        Transaction tx = rt.current();
        if (tx != null) {
            lock(tx);
            return read.at(root(tx));
        }
        return underLock(read);
    }

    @Override
    public Map.Entry<K, V> find(K key, Relation relation) {
        Objects.requireNonNull(relation, "relation");
        open();
        try {
            KeyProbe k = key == null ? null : KeyProbe.first(keyCodec, key);
            byte[][] kv = consistent(root -> {
                long n = reader.find(root, k, relation);
                return n == 0 ? null : new byte[][] {reader.keyBytes(n), reader.valueBytes(n)};
            });
            return kv == null ? null : new AbstractMap.SimpleImmutableEntry<>(decodeKey(kv[0]), decodeValue(kv[1]));
        } catch (IllegalStateException e) {
            throw closedDuring(e);
        }
    }

    @Override
    public int scan(K from, boolean fromInclusive, K to, boolean toInclusive, boolean descending, int max,
                    List<Map.Entry<K, V>> out) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1: " + max);
        }
        open();
        try {
            KeyProbe f = from == null ? null : KeyProbe.first(keyCodec, from);
            KeyProbe t = to == null ? null : KeyProbe.second(keyCodec, to);
            List<byte[]> raw = new ArrayList<>();
            consistent(root -> {
                raw.clear();
                return reader.scan(root, f, fromInclusive, t, toInclusive, descending, max, raw);
            });
            for (int i = 0; i < raw.size(); i += 2) {
                out.add(new AbstractMap.SimpleImmutableEntry<>(decodeKey(raw.get(i)), decodeValue(raw.get(i + 1))));
            }
            return raw.size() / 2;
        } catch (IllegalStateException e) {
            throw closedDuring(e);
        }
    }

    @Override
    public long size() {
        open();
        try {
            long countAt = AvlHeader.count(header);
            if (rt.current() == null && shadow) {
                return pm.getLongAcquire(countAt);
            }
            return consistent(root -> pm.getLong(countAt));
        } catch (IllegalStateException e) {
            throw closedDuring(e);
        }
    }

    @Override
    public V put(K key, V value) {
        PoolRuntime runtime = open();
        byte[] k = keyCodec.toBytes(key);
        KeyProbe.checkLength(k.length);
        byte[] v = valueCodec.toBytes(value);
        OutOfLineValues.checkFits(runtime, v.length);
        KeyProbe probe = KeyProbe.of(k);
        byte[] old = write(tx -> new AvlUpdate(this, tx).put(probe, v));
        return old == null ? null : decodeValue(old);
    }

    @Override
    public V remove(K key) {
        open();
        byte[] k = keyCodec.toBytes(key);
        KeyProbe probe = KeyProbe.of(k);
        byte[] old = write(tx -> new AvlUpdate(this, tx).remove(probe));
        return old == null ? null : decodeValue(old);
    }

    @Override
    public void clear() {
        open();
        boolean empty;
        do {
            empty = write(tx -> {
                AvlUpdate update = new AvlUpdate(this, tx);
                for (int i = 0; i < CLEAR_BATCH; i++) {
                    byte[] first = update.firstKey(root(tx));
                    if (first == null) {
                        return true;
                    }
                    update.remove(KeyProbe.of(first));
                }
                return root(tx) == 0;
            });
        } while (!empty);
    }

    @Override
    public <T> T atomically(Supplier<T> body) {
        open();
        return write(tx -> body.get());
    }

    /**
     * {@inheritDoc} Pins the published state (inside a transaction too: not its own writes).
     */
    @Override
    public Pinned<K, V> pin() {
        if (!shadow) {
            throw new UnsupportedOperationException(name + ": an IN_PLACE AVL tree cannot pin a state; use SHADOW");
        }
        if (open().isReadOnly()) {
            throw new UnsupportedOperationException(name + ": a pool opened read-only cannot pin a state (it takes no"
                    + " reader epoch)");
        }
        ReaderEpochs.ReadGuard guard = rt.enterRead();
        try {
            long root = AvlNode.checkPointer(pm, pm.getLongAcquire(AvlHeader.root(header)), header);
            long count = root == 0 ? 0 : AvlNode.rootCount(pm, root);
            return new AvlPinned<>(this, guard, root, count);
        } catch (RuntimeException | Error e) {
            guard.close();
            throw e;
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** A change of this tree in one transaction holding its lock (joining the caller's). */
    private <T> T write(java.util.function.Function<Transaction, T> body) {
        try {
            return rt.transaction(() -> {
                Transaction tx = rt.current();
                lock(tx);
                return body.apply(tx);
            });
        } catch (IllegalStateException e) {
            throw closedDuring(e);
        }
    }

    /** @return the runtime, if the pool is open */
    private PoolRuntime open() {
        return pool.runtime();
    }

    private RuntimeException closedDuring(IllegalStateException e) {
        if (!pool.isClosed()) {
            return e;
        }
        return new PoolClosedException(pool.path() + ": the pool was closed during the call", e);
    }

    V decodeValue(byte[] bytes) {
        try {
            return valueCodec.fromOwnedBytes(bytes);
        } catch (CodecException e) {
            throw new PoolCorruptedException(name + ": a stored value is not a valid " + valueCodec.id() + " encoding: "
                    + e.getMessage(), e);
        }
    }

    K decodeKey(byte[] bytes) {
        try {
            return keyCodec.fromOwnedBytes(bytes);
        } catch (CodecException e) {
            throw new PoolCorruptedException(name + ": a stored key is not a valid " + keyCodec.id() + " encoding: "
                    + e.getMessage(), e);
        }
    }

    String name() {
        return name;
    }

    /** @return the runtime, if the pool is open (for the pinned view) */
    PoolRuntime checkOpen() {
        return open();
    }
}
