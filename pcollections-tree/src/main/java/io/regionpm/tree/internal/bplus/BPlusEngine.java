package io.regionpm.tree.internal.bplus;

import java.lang.foreign.MemorySegment;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import io.regionpm.alloc.PersistentMemory;
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
 * The B+tree engine: an {@link OrderedStore} over a header block and its nodes (layouts in
 * {@link TreeHeader} and {@link Node}).
 *
 * <p>Concurrency: one writer at a time per tree (its {@link RobustMutex}, taken through the
 * transaction, once per transaction). Readers take no lock: under SHADOW they enter a reader
 * epoch, read the published root with acquire ordering and descend through nodes that never
 * change once published (retired nodes are freed only when no reader can reach them); under
 * IN_PLACE (and in a pool opened read-only, where epochs protect nothing) they validate what
 * they copied against the {@link VersionWord} and retry, and take the lock if the version
 * stays odd (a dead writer). Inside a transaction of the calling thread, reads take the
 * tree's lock and see the transaction's own writes.
 *
 * <p>Thread-safety: safe for any number of threads and processes. Crash behaviour: each
 * change is one transaction, atomic across process crash and power loss as the pool's
 * durability says. Heap use: per thread, a few node-sized buffers; nothing grows with the tree.
 *
 * @param <K> keys
 * @param <V> values
 */
public final class BPlusEngine<K, V> implements OrderedStore<K, V> {
    private static final int OPTIMISTIC_ATTEMPTS = 64;

    private final Pool pool;
    private final PoolRuntime rt;
    private final PersistentMemory pm;
    private final long header;
    private final UpdateStrategy strategy;
    private final int nodeBytes;
    private final Codec<K> keyCodec;
    private final Codec<V> valueCodec;
    private final NodeStore store;
    private final MemorySegment mem;
    private final RobustMutex mutex;
    private final VersionWord version;
    private final TreeWriter writer;
    private final TreeWriter.Target main;
    private final int maxKey;
    private final int maxInlineEntry;
    private final boolean optimistic;
    private final ThreadLocal<WriteContext> contexts;
    private final Runnable makeOdd;

    /**
     * @param pool       the pool
     * @param header     the tree's header block, validated
     * @param keyCodec   the key codec (order-preserving)
     * @param valueCodec the value codec
     */
    public BPlusEngine(Pool pool, long header, Codec<K> keyCodec, Codec<V> valueCodec) {
        this.pool = pool;
        this.rt = pool.runtime();
        this.pm = rt.memory();
        this.header = header;
        this.strategy = TreeHeader.strategy(pm, header);
        this.nodeBytes = TreeHeader.nodeBytes(pm, header);
        this.keyCodec = keyCodec;
        this.valueCodec = valueCodec;
        this.store = new NodeStore(rt, nodeBytes);
        this.mem = store.memory();
        this.mutex = new RobustMutex(pm, header + TreeHeader.MUTEX_AT, rt.registry());
        this.version = new VersionWord(pm, header + TreeHeader.VERSION_AT);
        this.makeOdd = version::makeOdd;
        this.writer = new TreeWriter(store, makeOdd);
        this.main = new TreeWriter.Target(header + TreeHeader.ROOT_AT, header + TreeHeader.COUNT_AT,
                header + TreeHeader.HEIGHT_AT, strategy == UpdateStrategy.SHADOW ? TreeWriter.Mode.COPY_ON_WRITE
                : TreeWriter.Mode.LOGGED_IN_PLACE);
        this.maxKey = maxKey(nodeBytes);
        this.maxInlineEntry = (nodeBytes - Node.HEADER) / 4;
        this.optimistic = strategy == UpdateStrategy.IN_PLACE || rt.isReadOnly();
        boolean fewRanges = pool.durability() == io.regionpm.core.Durability.SYNC;
        this.contexts = ThreadLocal.withInitial(() -> new WriteContext(nodeBytes, store, version::makeEven, fewRanges));
    }

    /** @param nodeBytes N @return the largest key encoding a tree with that node size accepts */
    public static int maxKey(int nodeBytes) {
        return (nodeBytes - Node.HEADER) / 4 - Node.SLOT - 8;
    }

    /** @return the node size */
    public int nodeBytes() {
        return nodeBytes;
    }

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

    PoolRuntime runtime() {
        pool.runtime();
        return rt;
    }

    long header() {
        return header;
    }

    NodeStore store() {
        return store;
    }

    TreeWriter writer() {
        return writer;
    }

    WriteContext context() {
        return contexts.get();
    }

    Codec<V> values() {
        return valueCodec;
    }

    // ---- locking ---------------------------------------------------------------------------

    /**
     * Takes the tree's writer lock in {@code tx} and registers the version hooks, once per
     * transaction; a version left odd by a dead writer (whose lane taking the lock recovered)
     * is made even.
     *
     * @param tx the transaction
     */
    void lock(Transaction tx) {
        if (tx.firstTouch(header + TreeHeader.VERSION_AT)) {
            tx.lock(mutex);
            version.makeEven();
            tx.whenCommitting(makeOdd);
            tx.whenEnded(contexts.get().ended);
        }
    }

    <T> T locked(Supplier<T> body) {
        return runtime().transaction(() -> {
            lock(rt.current());
            return body.get();
        });
    }

    // ---- reads -------------------------------------------------------------------------------

    @Override
    public V get(K key) {
        PoolRuntime r = runtime();
        KeyProbe probe = contexts.get().probe.set(keyCodec, key);
        if (probe.length() > maxKey) {
            return null;
        }
        Transaction tx = r.current();
        if (tx != null) {
            lock(tx);
            return getFrom(tx.getLong(main.rootWord()), probe);
        }
        if (!optimistic) {
            long v1 = version.evenOrNegative();
            if (v1 >= 0) {
                try {
                    V result = getFrom(pm.getLongAcquire(main.rootWord()), probe);
                    if (version.unchanged(v1)) {
                        return result;
                    }
                } catch (RuntimeException e) {
                    if (version.unchanged(v1)) {
                        throw e;
                    }
                }
            }
            try (ReaderEpochs.ReadGuard _ = r.enterRead()) {
                return getFrom(pm.getLongAcquire(main.rootWord()), probe);
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
            V result;
            try {
                result = getFrom(pm.getLongAcquire(main.rootWord()), probe);
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
        checkCanLock();
        return locked(() -> getFrom(rt.current().getLong(main.rootWord()), probe));
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

    private void checkCanLock() {
        if (rt.isReadOnly()) {
            throw new PoolException("B+tree at " + header + " stays locked for changes (its writer died?) and this"
                    + " process opened the pool read-only: open it read-write once to recover");
        }
    }

    /** The descent of a get: no allocation but the value's. */
    V getFrom(long root, KeyProbe probe) {
        long at = root;
        int level = -1;
        for (int d = 0; at != 0; d++) {
            if (d > Node.MAX_LEVEL) {
                throw new PoolCorruptedException("B+tree at " + header + " is deeper than " + Node.MAX_LEVEL);
            }
            store.checkInPool(at);
            int n = Node.checkHeader(mem, at, nodeBytes, level);
            int i = probe.search(mem, at, n, nodeBytes);
            level = Node.level(mem, at);
            if (level == 0) {
                return i >= 0 ? valueAt(at, i) : null;
            }
            int j = i >= 0 ? i + 1 : -i - 1;
            if (j > 0) {
                Node.checkSlot(mem, at, j - 1, nodeBytes);
            }
            at = Node.child(mem, at, j);
            level--;
        }
        return null;
    }

    /** Decodes slot i's value of a leaf (validating the slot). */
    V valueAt(long leaf, int i) {
        Node.checkSlot(mem, leaf, i, nodeBytes);
        return checkedValueAt(leaf, i);
    }

    /** Decodes slot i's value of a leaf (the slot validated by the caller). */
    private V checkedValueAt(long leaf, int i) {
        int field = Node.valueField(mem, leaf, i);
        long at = Node.payloadAt(mem, leaf, i);
        if (field == Node.OUT_OF_LINE) {
            return OutOfLineValues.load(rt, valueCodec, mem.get(Node.LONG, at));
        }
        try {
            return valueCodec.decode(mem, at, field);
        } catch (CodecException e) {
            throw new PoolCorruptedException("B+tree leaf at " + leaf + ": slot " + i + " is not a valid "
                    + valueCodec.id() + " encoding: " + e.getMessage(), e);
        }
    }

    /** Decodes slot i's key of a node (validated by the caller). */
    K keyAt(long node, int i) {
        try {
            return keyCodec.decode(mem, Node.keyAt(mem, node, i), Node.keyLength(mem, node, i));
        } catch (CodecException e) {
            throw new PoolCorruptedException("B+tree node at " + node + ": key " + i + " is not a valid "
                    + keyCodec.id() + " encoding: " + e.getMessage(), e);
        }
    }

    /**
     * Runs a read against one consistent state: its root, and the code that reads from it.
     *
     * @param read  the read, given the root (it may run several times; it must reset its output)
     * @param <R>   its result
     * @return its result
     */
    <R> R read(RootReader<R> read) {
        PoolRuntime r = runtime();
        Transaction tx = r.current();
        if (tx != null) {
            lock(tx);
            return read.apply(tx.getLong(main.rootWord()));
        }
        if (!optimistic) {
            long v1 = version.evenOrNegative();
            if (v1 >= 0) {
                try {
                    R result = read.apply(pm.getLongAcquire(main.rootWord()));
                    if (version.unchanged(v1)) {
                        return result;
                    }
                } catch (RuntimeException e) {
                    if (version.unchanged(v1)) {
                        throw e;
                    }
                }
            }
            try (ReaderEpochs.ReadGuard _ = r.enterRead()) {
                return read.apply(pm.getLongAcquire(main.rootWord()));
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
                result = read.apply(pm.getLongAcquire(main.rootWord()));
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
        checkCanLock();
        return locked(() -> read.apply(rt.current().getLong(main.rootWord())));
    }

    /** A read from one root. */
    @FunctionalInterface
    interface RootReader<R> {
        /** @param root the root (0: empty) @return the result */
        R apply(long root);
    }

    @Override
    public Map.Entry<K, V> find(K key, Relation relation) {
        KeyProbe probe = key == null ? null : contexts.get().probe.set(keyCodec, key);
        return read(root -> findFrom(root, probe, relation));
    }

    Map.Entry<K, V> findFrom(long root, KeyProbe probe, Relation relation) {
        if (root == 0) {
            return null;
        }
        Cursor c = contexts.get().cursor;
        boolean at;
        if (probe == null || probe.length() > maxKey && relation == Relation.EQUAL) {
            if (relation == Relation.EQUAL) {
                return null;
            }
            at = relation == Relation.CEILING || relation == Relation.HIGHER ? c.first(root) : c.last(root);
        } else {
            at = position(c, root, probe, relation == Relation.EQUAL ? null : relation);
            if (relation == Relation.EQUAL && !at) {
                return null;
            }
        }
        return at ? entryAt(c.leafNode(), c.slot()) : null;
    }

    /**
     * Positions a cursor at the first entry a relation to a key names.
     *
     * @param relation CEILING, HIGHER, FLOOR, LOWER; null: exact match only
     * @return whether there is such an entry
     */
    private static boolean position(Cursor c, long root, KeyProbe probe, Relation relation) {
        boolean found = c.seek(root, probe);
        if (relation == null) {
            return found;
        }
        return switch (relation) {
            case CEILING -> c.normalizeForward();
            case HIGHER -> found ? c.next() : c.normalizeForward();
            case FLOOR -> found || stepBack(c);
            case LOWER -> stepBack(c);
            case EQUAL -> found;
        };
    }

    private static boolean stepBack(Cursor c) {
        c.stepBack();
        return c.normalizeBackward();
    }

    Map.Entry<K, V> entryAt(long leaf, int i) {
        return new AbstractMap.SimpleImmutableEntry<>(keyAt(leaf, i), valueAt(leaf, i));
    }

    @Override
    public int scan(K from, boolean fromInclusive, K to, boolean toInclusive, boolean descending, int max,
                    List<Map.Entry<K, V>> out) {
        WriteContext ctx = contexts.get();
        KeyProbe fromProbe = from == null ? null : ctx.probe.set(keyCodec, from);
        KeyProbe toProbe = to == null ? null : ctx.bound.set(keyCodec, to);
        int start = out.size();
        return read(root -> {
            out.subList(start, out.size()).clear();
            return scanFrom(root, fromProbe, fromInclusive, toProbe, toInclusive, descending, max, out);
        });
    }

    int scanFrom(long root, KeyProbe from, boolean fromInclusive, KeyProbe to, boolean toInclusive, boolean descending,
                 int max, List<Map.Entry<K, V>> out) {
        if (root == 0 || max <= 0) {
            return 0;
        }
        Cursor c = contexts.get().cursor;
        boolean at;
        if (from == null) {
            at = descending ? c.last(root) : c.first(root);
        } else {
            Relation r = descending ? (fromInclusive ? Relation.FLOOR : Relation.LOWER)
                    : (fromInclusive ? Relation.CEILING : Relation.HIGHER);
            at = position(c, root, from, r);
        }
        int n = 0;
        int step = descending ? -1 : 1;
        while (at && n < max) {
            long leaf = c.leafNode();
            int end = descending ? -1 : c.leafCount();
            int i = c.rawSlot();
            for (; i != end && n < max; i += step) {
                Node.checkSlot(mem, leaf, i, nodeBytes);
                if (to != null && beyond(to.compareSlot(mem, leaf, i, nodeBytes), descending, toInclusive)) {
                    return n;
                }
                out.add(checkedEntryAt(leaf, i));
                n++;
            }
            at = n < max && c.moveTo(i, !descending);
        }
        return n;
    }

    private static boolean beyond(int cmp, boolean descending, boolean toInclusive) {
        return descending ? cmp < 0 || cmp == 0 && !toInclusive : cmp > 0 || cmp == 0 && !toInclusive;
    }

    /** The entry of a leaf's slot that the caller validated. */
    private Map.Entry<K, V> checkedEntryAt(long leaf, int i) {
        return new AbstractMap.SimpleImmutableEntry<>(keyAt(leaf, i), checkedValueAt(leaf, i));
    }

    @Override
    public long size() {
        PoolRuntime r = runtime();
        Transaction tx = r.current();
        if (tx != null) {
            lock(tx);
            return tx.getLong(main.countWord());
        }
        return pm.getLongAcquire(main.countWord());
    }

    // ---- writes ------------------------------------------------------------------------------

    @Override
    public V put(K key, V value) {
        WriteContext c = contexts.get();
        KeyProbe probe = probeForWrite(c, key);
        int size = valueCodec.encodedSize(value);
        boolean inline = Node.SLOT + Node.cellBytes(probe.length(), size) <= maxInlineEntry;
        MemorySegment pay = null;
        if (inline) {
            c.value(size);
            valueCodec.encode(value, c.valueSegment(), 0);
            pay = c.valueSegment();
        } else {
            OutOfLineValues.checkFits(rt, size);
        }
        MemorySegment inlineBytes = pay;
        return locked(() -> {
            Transaction tx = rt.current();
            long pointer = inlineBytes == null ? OutOfLineValues.store(tx, valueCodec, value) : 0;
            Object[] old = {null};
            writer.put(tx, main, c, probe, inline ? size : Node.OUT_OF_LINE, inlineBytes, pointer,
                    (m, leaf, i) -> old[0] = takeOld(tx, c, leaf, i));
            @SuppressWarnings("unchecked")
            V previous = (V) old[0];
            return previous;
        });
    }

    private KeyProbe probeForWrite(WriteContext c, K key) {
        KeyProbe probe = c.probe.set(keyCodec, key);
        if (probe.length() > maxKey) {
            throw new IllegalArgumentException("a key of " + probe.length() + " encoded bytes is larger than this"
                    + " B+tree's limit of " + maxKey + " bytes (node size " + nodeBytes + ")");
        }
        return probe;
    }

    /** Decodes an entry's value that is being replaced or removed, and disposes of its out-of-line block. */
    private V takeOld(Transaction tx, WriteContext c, long leaf, int i) {
        V old = valueAt(leaf, i);
        if (Node.valueField(mem, leaf, i) == Node.OUT_OF_LINE) {
            writer.dispose(tx, main, c, mem.get(Node.LONG, Node.payloadAt(mem, leaf, i)));
        }
        return old;
    }

    @Override
    public V remove(K key) {
        WriteContext c = contexts.get();
        KeyProbe probe = c.probe.set(keyCodec, key);
        if (probe.length() > maxKey) {
            return null;
        }
        return locked(() -> {
            Transaction tx = rt.current();
            Object[] old = {null};
            writer.remove(tx, main, c, probe, (m, leaf, i) -> old[0] = takeOld(tx, c, leaf, i));
            @SuppressWarnings("unchecked")
            V previous = (V) old[0];
            return previous;
        });
    }

    @Override
    public void clear() {
        runtime();
        boolean done;
        do {
            done = locked(() -> {
                Transaction tx = rt.current();
                if (!TreeDestroyer.destroySome(tx, store, header, garbageMode(), TreeDestroyer.BATCH,
                        contexts.get().fresh)) {
                    return false;
                }
                long root = tx.getLong(main.rootWord());
                if (root == 0) {
                    return true;
                }
                TreeDestroyer.detach(tx, header, root);
                tx.setLong(main.rootWord(), 0);
                tx.setLong(main.countWord(), 0);
                tx.setLong(main.heightWord(), 0);
                return false;
            });
        } while (!done);
    }

    TreeWriter.Mode garbageMode() {
        return main.mode();
    }

    @Override
    public <T> T atomically(Supplier<T> body) {
        return locked(body);
    }

    @Override
    public Pinned<K, V> pin() {
        if (strategy != UpdateStrategy.SHADOW) {
            throw new UnsupportedOperationException("an IN_PLACE B+tree cannot pin a state; use a SHADOW tree");
        }
        PoolRuntime r = runtime();
        if (r.isReadOnly()) {
            throw new UnsupportedOperationException("a pool opened read-only cannot pin a B+tree state (it takes no"
                    + " reader epoch)");
        }
        ReaderEpochs.ReadGuard guard = r.enterRead();
        try {
            long[] state = readRootAndCount();
            return new PinnedBPlusTree<>(this, guard, state[0], state[1]);
        } catch (RuntimeException | Error e) {
            guard.close();
            throw e;
        }
    }

    private long[] readRootAndCount() {
        Transaction tx = rt.current();
        if (tx == null) {
            for (int attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
                long v1 = version.stable();
                if (v1 < 0) {
                    break;
                }
                long root = pm.getLongAcquire(main.rootWord());
                long count = pm.getLongAcquire(main.countWord());
                if (version.unchanged(v1)) {
                    return new long[] {root, count};
                }
            }
        }
        return locked(() -> new long[] {rt.current().getLong(main.rootWord()), rt.current().getLong(main.countWord())});
    }

    /**
     * Loads sorted entries into the empty tree (see {@link BulkLoader}).
     *
     * @param sorted entries in strictly ascending key order
     */
    public void bulkLoad(java.util.Iterator<? extends Map.Entry<? extends K, ? extends V>> sorted) {
        new BulkLoader<>(this).load(sorted);
    }

    /** Frees the staging tree of a bulk load whose process died (a no-op without one, or read-only). */
    public void discardAbandonedLoad() {
        if (!rt.isReadOnly()) {
            new BulkLoader<>(this).discardAbandoned();
        }
    }
}
