package io.regionpm.hash.internal;

import java.util.function.Supplier;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.alloc.PoolException;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.core.spi.OutOfLineValues;
import io.regionpm.recovery.PoolRuntime;
import io.regionpm.recovery.RobustMutex;
import io.regionpm.recovery.Transaction;
import io.regionpm.recovery.VersionWord;

/**
 * The hash map machinery shared by {@code PersistentHashMap} and
 * {@code PersistentLongLongHashMap}: striped linear hashing over chained entries in a pool
 * (layouts in {@link MapHeader} and {@link EntryLayout}).
 *
 * <p>Concurrency protocol, per stripe:
 * <ul>
 *   <li>Writers take the stripe's {@link RobustMutex} inside a transaction. Just before the
 *       transaction commits (before any of its redo writes can become visible, even through a
 *       crash and recovery) the stripe's version is made odd; once the transaction has ended
 *       (redo applied, frees done, or undone on abort) it is made even again. {@code IN_PLACE}
 *       value overwrites make it odd before their first in-place write.</li>
 *   <li>Readers outside a transaction take no lock: they read an even version, walk the chain
 *       with bounds-checked reads, copy what they need, and accept the copy only if the version
 *       is unchanged. A freed entry is freed only while the version is odd, so a copy from a
 *       reused block is always rejected.</li>
 *   <li>A version that stays odd means its writer died: after a short spin a reader takes the
 *       stripe's lock (which recovers the dead writer's lane first), makes the version even,
 *       and reads under the lock. Readers inside a transaction always read under the lock, so
 *       they see their own writes and keep what they read until commit.</li>
 * </ul>
 *
 * <p>Thread-safety: safe for any number of threads and processes. Crash behaviour: every
 * change is a transaction, atomic across process crashes and power loss (as the pool's
 * durability mode says). Heap use: constant (a few objects per stripe), whatever the size.
 */
public final class HashEngine {
    private static final int OPTIMISTIC_ATTEMPTS = 64;

    private final PoolRuntime rt;
    private final PersistentMemory pm;
    private final long header;
    private final int stripes;
    private final int stripeShift;
    private final int base;
    private final int kind;
    private final UpdateStrategy strategy;
    private final RobustMutex[] mutexes;
    private final VersionWord[] versions;
    private final Runnable[] makeOdd;
    private final Runnable[] makeEven;

    /**
     * @param rt       the pool's runtime
     * @param header   the header block, validated
     * @param kind     entry kind ({@link MapHeader#KIND_ENCODED} or {@link MapHeader#KIND_LONG_LONG})
     * @param strategy SHADOW or IN_PLACE
     */
    public HashEngine(PoolRuntime rt, long header, int kind, UpdateStrategy strategy) {
        this.rt = rt;
        this.pm = rt.memory();
        this.header = header;
        this.stripes = MapHeader.stripes(pm, header);
        this.stripeShift = 64 - Integer.numberOfTrailingZeros(stripes);
        this.base = MapHeader.base(pm, header);
        this.kind = kind;
        this.strategy = strategy;
        this.mutexes = new RobustMutex[stripes];
        this.versions = new VersionWord[stripes];
        this.makeOdd = new Runnable[stripes];
        this.makeEven = new Runnable[stripes];
        for (int s = 0; s < stripes; s++) {
            long stripe = MapHeader.stripe(header, s);
            mutexes[s] = new RobustMutex(pm, MapHeader.mutex(stripe), rt.registry());
            versions[s] = new VersionWord(pm, MapHeader.version(stripe));
            makeOdd[s] = versions[s]::makeOdd;
            makeEven[s] = versions[s]::makeEven;
        }
    }

    /**
     * Creates a map's header and first chunks in {@code tx}.
     *
     * @param tx      the transaction
     * @param stripes S
     * @param base    B
     * @param kind    entry kind
     * @return the header block
     */
    public static long create(Transaction tx, int stripes, int base, int kind) {
        PersistentMemory pm = tx.runtime().memory();
        long header = tx.allocate(MapHeader.bytes(stripes));
        MapHeader.format(pm, header, stripes, base, kind);
        for (int s = 0; s < stripes; s++) {
            long chunk = tx.allocate(8L * base);
            pm.fill(chunk, 8L * base, (byte) 0);
            pm.setLong(MapHeader.chunkSlot(MapHeader.stripe(header, s), 0), chunk);
        }
        return header;
    }

    /** @return the pool's runtime */
    public PoolRuntime runtime() {
        return rt;
    }

    /** @return the pool's memory */
    public PersistentMemory memory() {
        return pm;
    }

    /** @return the strategy */
    public UpdateStrategy strategy() {
        return strategy;
    }

    /** @return the number of stripes */
    public int stripes() {
        return stripes;
    }

    int stripeIndex(KeyProbe k) {
        return stripes == 1 ? 0 : (int) (k.hash64 >>> stripeShift);
    }

    // ---- reads -----------------------------------------------------------------------------

    /**
     * Looks a key up: without a lock outside a transaction (see the class comment), under the
     * stripe's lock inside one.
     *
     * @param k      the key
     * @param reader what to copy
     * @param <R>    the result type
     * @return the reader's result
     */
    public <R> R read(KeyProbe k, EntryReader<R> reader) {
        int s = stripeIndex(k);
        Transaction tx = rt.current();
        if (tx != null) {
            Position p = locate(tx, k);
            return p.found() ? reader.found(this, p.entry()) : reader.absent();
        }
        long stripe = MapHeader.stripe(header, s);
        for (int attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
            long v1 = VersionWord.stable(pm, MapHeader.version(stripe));
            if (v1 < 0) {
                break;
            }
            R result;
            try {
                long e = probe(stripe, k);
                result = e == 0 ? reader.absent() : reader.found(this, e);
            } catch (RuntimeException e) {
                if (VersionWord.unchanged(pm, MapHeader.version(stripe), v1)) {
                    throw e;
                }
                continue;
            }
            if (VersionWord.unchanged(pm, MapHeader.version(stripe), v1)) {
                return result;
            }
        }
        checkCanLock(stripe);
        return underLock(s, () -> read(k, reader));
    }

    /** A read-only process cannot take locks nor recover: it reports a stripe it cannot read. */
    private void checkCanLock(long stripe) {
        if (rt.isReadOnly()) {
            throw new PoolException("hash map stripe at " + stripe + " stays locked for changes (its writer died?) and"
                    + " this process opened the pool read-only: open it read-write once to recover");
        }
    }

    /**
     * The value of a long key of a long-long map: {@link #read} without allocation (the common
     * case of {@code PersistentLongLongHashMap.getIfAbsent}).
     *
     * @param key      the key
     * @param ifAbsent what absence returns
     * @return the value, or {@code ifAbsent}
     */
    public long readLong(long key, long ifAbsent) {
        long hash = KeyHash.ofLong(key);
        int s = stripes == 1 ? 0 : (int) (hash >>> stripeShift);
        long stripe = MapHeader.stripe(header, s);
        if (rt.current() == null) {
            for (int attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
                long v1 = VersionWord.stable(pm, MapHeader.version(stripe));
                if (v1 < 0) {
                    break;
                }
                long value = ifAbsent;
                try {
                    long e = probeLong(stripe, key, (int) hash);
                    if (e != 0) {
                        value = pm.getLong(e + EntryLayout.KEY + 8);
                    }
                } catch (RuntimeException e) {
                    if (VersionWord.unchanged(pm, MapHeader.version(stripe), v1)) {
                        throw e;
                    }
                    continue;
                }
                if (VersionWord.unchanged(pm, MapHeader.version(stripe), v1)) {
                    return value;
                }
            }
        }
        long[] v = read(KeyProbe.ofLong(key), LongValue.INSTANCE);
        return v == null ? ifAbsent : v[0];
    }

    /** Copies a long-long entry's value. */
    private static final class LongValue implements EntryReader<long[]> {
        static final LongValue INSTANCE = new LongValue();

        @Override
        public long[] found(HashEngine engine, long entry) {
            return new long[] {engine.longValue(entry)};
        }

        @Override
        public long[] absent() {
            return null;
        }
    }

    /** {@link #probe} for a long key (every key of a long-long map is 8 bytes). */
    private long probeLong(long stripe, long key, int hash32) {
        long shape = pm.getLongAcquire(MapHeader.shape(stripe));
        long bucket = MapHeader.bucketOf(base, shape, hash32);
        int chunk = MapHeader.chunkOf(base, bucket);
        if (chunk >= MapHeader.MAX_CHUNKS) {
            throw new PoolCorruptedException("hash map stripe at " + stripe + ": bad shape " + Long.toHexString(shape));
        }
        long c = pm.getLong(MapHeader.chunkSlot(stripe, chunk));
        long e = pm.getLong(c + 8 * (bucket - MapHeader.chunkStart(base, chunk)));
        for (long steps = 0; e != 0; steps++) {
            if (steps > 1L << 32) {
                throw new PoolCorruptedException("hash map chain at " + stripe + " does not end");
            }
            if (pm.getInt(e + EntryLayout.HASH) == hash32 && pm.getLong(e + EntryLayout.KEY) == key) {
                return e;
            }
            e = pm.getLong(e + EntryLayout.NEXT);
        }
        return 0;
    }

    /**
     * Runs {@code body} in a transaction (joining the caller's) holding stripe {@code s}'s lock.
     */
    <T> T underLock(int s, Supplier<T> body) {
        return rt.transaction(() -> {
            lock(rt.current(), s);
            return body.get();
        });
    }


    /** The unlocked walk: every pointer is bounds-checked; the caller validates the version. */
    private long probe(long stripe, KeyProbe k) {
        long shape = pm.getLongAcquire(MapHeader.shape(stripe));
        long bucket = MapHeader.bucketOf(base, shape, k.hash32);
        int chunk = MapHeader.chunkOf(base, bucket);
        if (chunk >= MapHeader.MAX_CHUNKS) {
            throw new PoolCorruptedException("hash map stripe at " + stripe + ": bad shape " + Long.toHexString(shape));
        }
        long c = pm.getLong(MapHeader.chunkSlot(stripe, chunk));
        long e = pm.getLong(c + 8 * (bucket - MapHeader.chunkStart(base, chunk)));
        for (long steps = 0; e != 0; steps++) {
            if (steps > 1L << 32) {
                throw new PoolCorruptedException("hash map chain at " + stripe + " does not end");
            }
            if (pm.getInt(e + EntryLayout.HASH) == k.hash32 && pm.getInt(e + EntryLayout.KEY_LENGTH) == k.length()
                    && k.matches(pm, e)) {
                return e;
            }
            e = pm.getLong(e + EntryLayout.NEXT);
        }
        return 0;
    }

    // ---- locked access ---------------------------------------------------------------------

    /**
     * Takes the key's stripe lock in {@code tx} (once per transaction), registers the version
     * hooks, and finds the key, seeing the transaction's own writes.
     *
     * @param tx the transaction
     * @param k  the key
     * @return where it is or would go
     */
    public Position locate(Transaction tx, KeyProbe k) {
        int s = stripeIndex(k);
        long stripe = MapHeader.stripe(header, s);
        lock(tx, s);
        long shape = tx.getLong(MapHeader.shape(stripe));
        long head = bucketSlot(tx, stripe, MapHeader.bucketOf(base, shape, k.hash32));
        long slot = head;
        long e = tx.getLong(slot);
        while (e != 0) {
            checkEntry(e);
            if (pm.getInt(e + EntryLayout.HASH) == k.hash32 && pm.getInt(e + EntryLayout.KEY_LENGTH) == k.length()
                    && k.matches(pm, e)) {
                return new Position(stripe, slot, e);
            }
            slot = e + EntryLayout.NEXT;
            e = tx.getLong(slot);
        }
        return new Position(stripe, head, 0);
    }

    /**
     * Takes stripe {@code s}'s lock in {@code tx} and registers its version hooks, once per
     * transaction. A version found odd right after the lock is taken was left by a writer that
     * died (taking the lock recovered its lane): it is made even.
     */
    void lock(Transaction tx, int s) {
        long stripe = MapHeader.stripe(header, s);
        if (tx.firstTouch(MapHeader.version(stripe))) {
            tx.lock(mutexes[s]);
            versions[s].makeEven();
            tx.whenCommitting(makeOdd[s]);
            tx.whenEnded(makeEven[s]);
        }
    }

    private long bucketSlot(Transaction tx, long stripe, long bucket) {
        int k = MapHeader.chunkOf(base, bucket);
        if (k >= MapHeader.MAX_CHUNKS) {
            throw new PoolCorruptedException("hash map stripe at " + stripe + ": bucket " + bucket + " out of range");
        }
        long chunk = tx.getLong(MapHeader.chunkSlot(stripe, k));
        if (chunk == 0) {
            throw new PoolCorruptedException("hash map stripe at " + stripe + ": chunk " + k + " missing");
        }
        return chunk + 8 * (bucket - MapHeader.chunkStart(base, k));
    }

    private void checkEntry(long e) {
        if ((e & 7) != 0 || e < 0 || e >= pm.size()) {
            throw new PoolCorruptedException("hash map entry pointer " + e + " is not a valid offset");
        }
    }

    /** @param stripe a stripe's offset (from a {@link Position}) @return its version word */
    private VersionWord version(long stripe) {
        return versions[(int) ((stripe - MapHeader.stripe(header, 0)) / MapHeader.STRIPE_BYTES)];
    }

    // ---- changes (the stripe locked through locate) ----------------------------------------

    /**
     * Inserts an absent key with an encoded value, then grows the stripe by one bucket if its
     * load passed one entry per bucket.
     *
     * @param tx    the transaction
     * @param at    where {@link #locate} said the key would go
     * @param k     the key
     * @param value the value's encoding
     */
    public void insert(Transaction tx, Position at, KeyProbe k, byte[] value) {
        long e = newEntry(tx, k, value, tx.getLong(at.slot()));
        linkNew(tx, at, e);
    }

    /**
     * Inserts an absent long key with a long value (long-long maps).
     *
     * @param tx    the transaction
     * @param at    where {@link #locate} said the key would go
     * @param k     the key
     * @param value the value
     */
    public void insertLong(Transaction tx, Position at, KeyProbe k, long value) {
        long e = newLongEntry(tx, k, value, tx.getLong(at.slot()));
        linkNew(tx, at, e);
    }

    private void linkNew(Transaction tx, Position at, long e) {
        tx.setLong(at.slot(), e);
        long countAt = MapHeader.count(at.stripe());
        long count = tx.getLong(countAt) + 1;
        tx.setLong(countAt, count);
        if (count > MapHeader.bucketsInUse(base, tx.getLong(MapHeader.shape(at.stripe())))) {
            split(tx, at.stripe());
        }
    }

    /**
     * Replaces a present key's encoded value: in place (undo-logged) under {@code IN_PLACE} when
     * the new encoding has the old one's length and both are inline, else by a new entry
     * linked where the old one was (the old one freed at commit).
     *
     * @param tx    the transaction
     * @param at    the key's position
     * @param k     the key
     * @param value the new value's encoding
     */
    public void update(Transaction tx, Position at, KeyProbe k, byte[] value) {
        long e = at.entry();
        int valueLength = pm.getInt(e + EntryLayout.VALUE_LENGTH);
        if (strategy == UpdateStrategy.IN_PLACE && valueLength == value.length && inline(k.length(), value.length)) {
            long v = EntryLayout.valueAt(e, k.length());
            tx.snapshot(v, value.length);
            version(at.stripe()).makeOdd();
            pm.write(value, 0, v, value.length);
            return;
        }
        long fresh = newEntry(tx, k, value, tx.getLong(e + EntryLayout.NEXT));
        tx.setLong(at.slot(), fresh);
        freeEntry(tx, e);
    }

    /**
     * Replaces a present long key's value (long-long maps).
     *
     * @param tx    the transaction
     * @param at    the key's position
     * @param k     the key
     * @param value the new value
     */
    public void updateLong(Transaction tx, Position at, KeyProbe k, long value) {
        long e = at.entry();
        if (strategy == UpdateStrategy.IN_PLACE) {
            long v = e + EntryLayout.KEY + 8;
            tx.snapshot(v, 8);
            version(at.stripe()).makeOdd();
            pm.setLong(v, value);
            return;
        }
        long fresh = newLongEntry(tx, k, value, tx.getLong(e + EntryLayout.NEXT));
        tx.setLong(at.slot(), fresh);
        tx.free(e);
    }

    /**
     * Unlinks a present key's entry and frees it at commit.
     *
     * @param tx the transaction
     * @param at the key's position
     */
    public void remove(Transaction tx, Position at) {
        long e = at.entry();
        tx.setLong(at.slot(), tx.getLong(e + EntryLayout.NEXT));
        long countAt = MapHeader.count(at.stripe());
        tx.setLong(countAt, tx.getLong(countAt) - 1);
        freeEntry(tx, e);
    }

    private void freeEntry(Transaction tx, long e) {
        if (kind == MapHeader.KIND_ENCODED && pm.getInt(e + EntryLayout.VALUE_LENGTH) == EntryLayout.OUT_OF_LINE) {
            tx.free(outOfLineBlock(e, pm.getInt(e + EntryLayout.KEY_LENGTH)));
        }
        tx.free(e);
    }

    private static boolean inline(int keyLength, int valueLength) {
        return EntryLayout.KEY + (long) keyLength + valueLength <= EntryLayout.MAX_INLINE_ENTRY;
    }

    private long newEntry(Transaction tx, KeyProbe k, byte[] value, long next) {
        int kl = k.length();
        boolean inline = inline(kl, value.length);
        long size = inline ? EntryLayout.KEY + (long) kl + value.length : outOfLineAt(kl) + 8;
        long ool = inline ? 0 : OutOfLineValues.storeBytes(tx, value);
        long e = tx.allocate(size);
        pm.setLong(e + EntryLayout.NEXT, next);
        pm.setInt(e + EntryLayout.HASH, k.hash32);
        pm.setInt(e + EntryLayout.KEY_LENGTH, kl);
        pm.setInt(e + EntryLayout.VALUE_LENGTH, inline ? value.length : EntryLayout.OUT_OF_LINE);
        pm.setInt(e + EntryLayout.VALUE_LENGTH + 4, 0);
        k.write(pm, e);
        if (inline) {
            pm.write(value, 0, EntryLayout.valueAt(e, kl), value.length);
        } else {
            pm.setLong(e + outOfLineAt(kl), ool);
        }
        return e;
    }

    private long newLongEntry(Transaction tx, KeyProbe k, long value, long next) {
        long e = tx.allocate(EntryLayout.LONG_LONG_BYTES);
        pm.setLong(e + EntryLayout.NEXT, next);
        pm.setInt(e + EntryLayout.HASH, k.hash32);
        pm.setInt(e + EntryLayout.KEY_LENGTH, 8);
        pm.setInt(e + EntryLayout.VALUE_LENGTH, 8);
        pm.setInt(e + EntryLayout.VALUE_LENGTH + 4, 0);
        k.write(pm, e);
        pm.setLong(e + EntryLayout.KEY + 8, value);
        return e;
    }

    /** @param keyLength k @return the offset in the entry of its out-of-line pointer (aligned) */
    static long outOfLineAt(int keyLength) {
        return EntryLayout.KEY + ((long) keyLength + 7 & -8L);
    }

    long outOfLineBlock(long e, int keyLength) {
        return pm.getLong(e + outOfLineAt(keyLength));
    }

    /**
     * Linear hashing's step: splits bucket p of the stripe into p and p + B*2^L (allocating
     * that bucket's chunk if it starts one), moving the entries whose hash says so.
     */
    private void split(Transaction tx, long stripe) {
        long shapeAt = MapHeader.shape(stripe);
        long shape = tx.getLong(shapeAt);
        int level = MapHeader.level(shape);
        long p = MapHeader.split(shape);
        long half = (long) base << level;
        if (half << 1 > 1L << 32 || MapHeader.chunkOf(base, half + p) >= MapHeader.MAX_CHUNKS) {
            return;
        }
        long dst = half + p;
        int k = MapHeader.chunkOf(base, dst);
        if (tx.getLong(MapHeader.chunkSlot(stripe, k)) == 0) {
            long bytes = 8 * MapHeader.chunkBuckets(base, k);
            long chunk = tx.allocate(bytes);
            pm.fill(chunk, bytes, (byte) 0);
            tx.setLong(MapHeader.chunkSlot(stripe, k), chunk);
        }
        long mask = (half << 1) - 1;
        long prev = bucketSlot(tx, stripe, p);
        long tail = bucketSlot(tx, stripe, dst);
        for (long e = tx.getLong(prev); e != 0; ) {
            checkEntry(e);
            long next = tx.getLong(e + EntryLayout.NEXT);
            if ((Integer.toUnsignedLong(pm.getInt(e + EntryLayout.HASH)) & mask) == dst) {
                tx.setLong(prev, next);
                tx.setLong(tail, e);
                tx.setLong(e + EntryLayout.NEXT, 0);
                tail = e + EntryLayout.NEXT;
            } else {
                prev = e + EntryLayout.NEXT;
            }
            e = next;
        }
        tx.setLong(shapeAt, p + 1 == half ? MapHeader.shapeOf(level + 1, 0) : MapHeader.shapeOf(level, p + 1));
    }

    // ---- copying helpers for readers -------------------------------------------------------

    /**
     * Copies an entry's value encoding (inline or out of line), bounds-checked.
     *
     * @param e the entry
     * @return the encoding
     * @throws PoolCorruptedException if a length or pointer is invalid
     */
    public byte[] valueBytes(long e) {
        int kl = pm.getInt(e + EntryLayout.KEY_LENGTH);
        int vl = pm.getInt(e + EntryLayout.VALUE_LENGTH);
        if (kl < 0) {
            throw new PoolCorruptedException("hash map entry at " + e + ": key length " + kl);
        }
        if (vl == EntryLayout.OUT_OF_LINE) {
            return OutOfLineValues.loadBytes(rt, outOfLineBlock(e, kl));
        }
        if (vl < 0 || !inline(kl, vl)) {
            throw new PoolCorruptedException("hash map entry at " + e + ": value length " + vl);
        }
        byte[] out = new byte[vl];
        pm.read(EntryLayout.valueAt(e, kl), out, 0, vl);
        return out;
    }

    /**
     * Copies an entry's key encoding, bounds-checked.
     *
     * @param e the entry
     * @return the encoding
     */
    public byte[] keyBytes(long e) {
        int kl = pm.getInt(e + EntryLayout.KEY_LENGTH);
        if (kl < 0 || kl > EntryLayout.MAX_INLINE_ENTRY * 1024L * 512) {
            throw new PoolCorruptedException("hash map entry at " + e + ": key length " + kl);
        }
        byte[] out = new byte[kl];
        pm.read(e + EntryLayout.KEY, out, 0, kl);
        return out;
    }

    /** @param e a long-long entry @return its key */
    public long longKey(long e) {
        return pm.getLong(e + EntryLayout.KEY);
    }

    /** @param e a long-long entry @return its value */
    public long longValue(long e) {
        return pm.getLong(e + EntryLayout.KEY + 8);
    }

    // ---- size and iteration ----------------------------------------------------------------

    /** @return the number of entries (each stripe's committed count; the caller's own writes inside a transaction) */
    public long size() {
        Transaction tx = rt.current();
        long n = 0;
        for (int s = 0; s < stripes; s++) {
            long at = MapHeader.count(MapHeader.stripe(header, s));
            n += tx != null ? tx.getLong(at) : pm.getLongAcquire(at);
        }
        return n;
    }

    /**
     * Hands every entry of one hash class of one stripe (the keys whose hash is {@code cls}
     * modulo {@code modulus}) to {@code sink}, as of one consistent moment: splits only move
     * entries within a class, so a class is visited whole even while the stripe grows.
     *
     * @param s       the stripe
     * @param modulus B*2^L0 for the stripe's level L0 when the iteration entered it
     * @param cls     the class, below {@code modulus}
     * @param sink    receives the entries; reset before each attempt
     */
    public void visitClass(int s, long modulus, long cls, ClassSink sink) {
        long stripe = MapHeader.stripe(header, s);
        if (rt.current() == null) {
            for (int attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
                long v1 = VersionWord.stable(pm, MapHeader.version(stripe));
                if (v1 < 0) {
                    break;
                }
                sink.reset();
                try {
                    walkClass(stripe, modulus, cls, sink, null);
                } catch (RuntimeException e) {
                    if (VersionWord.unchanged(pm, MapHeader.version(stripe), v1)) {
                        throw e;
                    }
                    continue;
                }
                if (VersionWord.unchanged(pm, MapHeader.version(stripe), v1)) {
                    return;
                }
            }
        }
        checkCanLock(stripe);
        underLock(s, () -> {
            sink.reset();
            walkClass(stripe, modulus, cls, sink, rt.current());
            return null;
        });
    }

    /**
     * @param s a stripe
     * @return its level now (for {@link #visitClass}'s modulus)
     */
    public long modulus(int s) {
        long stripe = MapHeader.stripe(header, s);
        Transaction tx = rt.current();
        long shape = tx != null ? tx.getLong(MapHeader.shape(stripe)) : pm.getLongAcquire(MapHeader.shape(stripe));
        int level = MapHeader.level(shape);
        if (level > 40) {
            throw new PoolCorruptedException("hash map stripe at " + stripe + ": bad shape " + Long.toHexString(shape));
        }
        return (long) base << level;
    }

    private void walkClass(long stripe, long modulus, long cls, ClassSink sink, Transaction tx) {
        long shape = tx != null ? tx.getLong(MapHeader.shape(stripe)) : pm.getLongAcquire(MapHeader.shape(stripe));
        long inUse = MapHeader.bucketsInUse(base, shape);
        long steps = 0;
        for (long b = cls; b < inUse; b += modulus) {
            int k = MapHeader.chunkOf(base, b);
            if (k >= MapHeader.MAX_CHUNKS) {
                throw new PoolCorruptedException("hash map stripe at " + stripe + ": bad shape " + Long.toHexString(shape));
            }
            long slotWord = MapHeader.chunkSlot(stripe, k);
            long chunk = tx != null ? tx.getLong(slotWord) : pm.getLong(slotWord);
            long slot = chunk + 8 * (b - MapHeader.chunkStart(base, k));
            for (long e = tx != null ? tx.getLong(slot) : pm.getLong(slot); e != 0; ) {
                checkEntry(e);
                if (++steps > 1L << 32) {
                    throw new PoolCorruptedException("hash map chain at " + stripe + " does not end");
                }
                if ((Integer.toUnsignedLong(pm.getInt(e + EntryLayout.HASH)) & (modulus - 1)) == cls) {
                    sink.accept(this, e);
                }
                long nextAt = e + EntryLayout.NEXT;
                e = tx != null ? tx.getLong(nextAt) : pm.getLong(nextAt);
            }
        }
    }

    /**
     * Removes up to {@code budget} entries of stripe {@code s} in {@code tx} (for
     * {@code clear()}, a batch per transaction so that each fits in a lane's log).
     *
     * @param tx     the transaction
     * @param s      the stripe
     * @param budget entries at most
     * @return whether the stripe is now empty
     */
    public boolean clearSome(Transaction tx, int s, int budget) {
        long stripe = MapHeader.stripe(header, s);
        lock(tx, s);
        long countAt = MapHeader.count(stripe);
        long count = tx.getLong(countAt);
        long inUse = MapHeader.bucketsInUse(base, tx.getLong(MapHeader.shape(stripe)));
        for (long b = 0; b < inUse && count > 0 && budget > 0; b++) {
            long slot = bucketSlot(tx, stripe, b);
            for (long e = tx.getLong(slot); e != 0 && budget > 0; e = tx.getLong(slot), budget--) {
                checkEntry(e);
                tx.setLong(slot, tx.getLong(e + EntryLayout.NEXT));
                freeEntry(tx, e);
                count--;
            }
        }
        tx.setLong(countAt, count);
        return count == 0;
    }

    /**
     * Frees part of a dropped map (see {@code CollectionType.destroySome}): entries bucket by
     * bucket, then each stripe's chunks, then the header; the position is kept in the header's
     * drop cursor (stripe in bits 48..63, bucket below), so each call resumes in O(1).
     *
     * @param tx       the transaction
     * @param rootSlot the directory word holding the header
     * @param budget   blocks to free, roughly
     * @return whether the map is gone
     */
    public static boolean destroySome(Transaction tx, long rootSlot, int budget) {
        PersistentMemory pm = tx.runtime().memory();
        long header = tx.getLong(rootSlot);
        if (header == 0) {
            return true;
        }
        int kind = pm.getInt(header + MapHeader.KIND_AT);
        MapHeader.validate(pm, header, tx.runtime().heap().usableSize(header), kind);
        int stripes = MapHeader.stripes(pm, header);
        int base = MapHeader.base(pm, header);
        long cursor = tx.getLong(MapHeader.dropCursor(header));
        int s = (int) (cursor >>> 48);
        long b = cursor & 0xFFFF_FFFF_FFFFL;
        while (budget > 0 && s < stripes) {
            long stripe = MapHeader.stripe(header, s);
            long inUse = MapHeader.bucketsInUse(base, tx.getLong(MapHeader.shape(stripe)));
            for (; b < inUse && budget > 0; b++) {
                int k = MapHeader.chunkOf(base, b);
                long slot = tx.getLong(MapHeader.chunkSlot(stripe, k)) + 8 * (b - MapHeader.chunkStart(base, k));
                for (long e = tx.getLong(slot); e != 0 && budget > 0; e = tx.getLong(slot), budget--) {
                    tx.setLong(slot, tx.getLong(e + EntryLayout.NEXT));
                    if (kind == MapHeader.KIND_ENCODED && pm.getInt(e + EntryLayout.VALUE_LENGTH) == EntryLayout.OUT_OF_LINE) {
                        tx.free(pm.getLong(e + outOfLineAt(pm.getInt(e + EntryLayout.KEY_LENGTH))));
                    }
                    tx.free(e);
                }
                if (tx.getLong(slot) != 0) {
                    break;
                }
            }
            if (b < inUse) {
                break;
            }
            for (int k = 0; k < MapHeader.MAX_CHUNKS; k++) {
                long chunk = tx.getLong(MapHeader.chunkSlot(stripe, k));
                if (chunk != 0) {
                    tx.free(chunk);
                    tx.setLong(MapHeader.chunkSlot(stripe, k), 0);
                    budget--;
                }
            }
            s++;
            b = 0;
        }
        if (s >= stripes) {
            tx.free(header);
            tx.setLong(rootSlot, 0);
            return true;
        }
        tx.setLong(MapHeader.dropCursor(header), (long) s << 48 | b);
        return false;
    }

    /** Receives the entries of one hash class (see {@link #visitClass}). */
    public interface ClassSink {
        /** Forgets what an earlier, rejected attempt gave. */
        void reset();

        /**
         * @param engine the engine (for its copying helpers)
         * @param entry  an entry of the class (unvalidated outside a transaction: copy only)
         */
        void accept(HashEngine engine, long entry);
    }
}
