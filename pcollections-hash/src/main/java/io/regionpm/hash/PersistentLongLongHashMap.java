package io.regionpm.hash;

import java.util.Objects;

import org.eclipse.collections.api.block.procedure.primitive.LongLongProcedure;

import io.regionpm.core.Pool;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.hash.internal.HashEngine;
import io.regionpm.hash.internal.HashMapType;
import io.regionpm.hash.internal.KeyProbe;
import io.regionpm.hash.internal.Position;
import io.regionpm.recovery.Transaction;

/**
 * A map from {@code long} to {@code long} in a pool, without boxing or codecs on its primitive
 * methods ({@link #getIfAbsent}, {@link #put(long, long)}, {@link #addToValue}, ...), and a
 * {@code ConcurrentMap<Long, Long>} as well. Everything {@link PersistentHashMap} says about
 * atomicity, sharing across JVMs, lock-free gets, strategies and crashes holds here.
 *
 * <p>Space: an entry is one 40-byte block (next pointer, hash, lengths, key, value) plus about
 * 8 bytes of bucket. Under {@link UpdateStrategy#IN_PLACE} every value update is an in-place,
 * undo-logged 8-byte store; under {@link UpdateStrategy#SHADOW} (default) a new entry.
 *
 * <p>Thread-safety: safe for any number of threads and processes.
 */
public final class PersistentLongLongHashMap extends AbstractHashMap<Long, Long> {
    private static final String CODEC_ID = "long-native";

    private PersistentLongLongHashMap(Pool pool, String name, HashEngine engine) {
        super(pool, name, engine);
    }

    /**
     * Opens the map called {@code name}, creating it (SHADOW) if the name is new; an existing map
     * opens with the strategy it was created with.
     *
     * @param pool the pool
     * @param name the map's name
     * @return the map
     * @throws IllegalStateException if the name exists with another type
     */
    public static PersistentLongLongHashMap open(Pool pool, String name) {
        return open(pool, name, null);
    }

    /**
     * Opens the map called {@code name}, creating it with {@code strategy} if the name is new.
     *
     * @param pool     the pool
     * @param name     the map's name
     * @param strategy SHADOW or IN_PLACE (null: as created; SHADOW for a new map)
     * @return the map
     * @throws IllegalStateException    if the name exists with another type or strategy
     * @throws IllegalArgumentException if the strategy is APPEND
     */
    public static PersistentLongLongHashMap open(Pool pool, String name, UpdateStrategy strategy) {
        Objects.requireNonNull(pool, "pool");
        return new PersistentLongLongHashMap(pool, name,
                MapOpener.open(pool, name, HashMapType.LONG_LONG, CODEC_ID, CODEC_ID, strategy));
    }

    // ---- primitive API -----------------------------------------------------------------------

    /**
     * @param key      a key
     * @param ifAbsent what to return if it is absent
     * @return its value, or {@code ifAbsent}
     */
    public long getIfAbsent(long key, long ifAbsent) {
        rt();
        try {
            return engine.readLong(key, ifAbsent);
        } catch (IllegalStateException e) {
            throw closedDuring(e);
        }
    }

    /**
     * @param key a key
     * @return whether it is present
     */
    public boolean containsKey(long key) {
        rt();
        return present(KeyProbe.ofLong(key));
    }

    /**
     * Sets a key's value (atomic, one transaction).
     *
     * @param key   the key
     * @param value the value
     */
    public void put(long key, long value) {
        KeyProbe k = KeyProbe.ofLong(key);
        transaction(() -> {
            Transaction tx = rt().current();
            Position at = engine.locate(tx, k);
            if (at.found()) {
                engine.updateLong(tx, at, k, value);
            } else {
                engine.insertLong(tx, at, k, value);
            }
            return null;
        });
    }

    /**
     * Adds {@code delta} to a key's value, atomically (an absent key counts as 0).
     *
     * @param key   the key
     * @param delta what to add
     * @return the new value
     */
    public long addToValue(long key, long delta) {
        KeyProbe k = KeyProbe.ofLong(key);
        return transaction(() -> {
            Transaction tx = rt().current();
            Position at = engine.locate(tx, k);
            if (at.found()) {
                long v = engine.longValue(at.entry()) + delta;
                engine.updateLong(tx, at, k, v);
                return v;
            }
            engine.insertLong(tx, at, k, delta);
            return delta;
        });
    }

    /**
     * Removes a key.
     *
     * @param key      the key
     * @param ifAbsent what to return if it was absent
     * @return its old value, or {@code ifAbsent}
     */
    public long removeKeyIfAbsent(long key, long ifAbsent) {
        KeyProbe k = KeyProbe.ofLong(key);
        return transaction(() -> {
            Transaction tx = rt().current();
            Position at = engine.locate(tx, k);
            if (!at.found()) {
                return ifAbsent;
            }
            long old = engine.longValue(at.entry());
            engine.remove(tx, at);
            return old;
        });
    }

    /**
     * Calls {@code procedure} for each entry, weakly consistently (as the iterators).
     *
     * @param procedure what to call
     */
    public void forEachKeyValue(LongLongProcedure procedure) {
        Objects.requireNonNull(procedure, "procedure");
        for (var e : entrySet()) {
            procedure.value(e.getKey(), e.getValue());
        }
    }

    // ---- AbstractHashMap -------------------------------------------------------------------

    @Override
    KeyProbe probeOrNull(Object key) {
        return key instanceof Long l ? KeyProbe.ofLong(l) : null;
    }

    @Override
    KeyProbe probe(Long key) {
        return KeyProbe.ofLong(Objects.requireNonNull(key, "key"));
    }

    @Override
    Object encode(Long value) {
        return Objects.requireNonNull(value, "value");
    }

    @Override
    Object copyValue(long entry) {
        return engine.longValue(entry);
    }

    @Override
    Object copyKey(long entry) {
        return engine.longKey(entry);
    }

    @Override
    Long decodeValue(Object copy) {
        return (Long) copy;
    }

    @Override
    Long decodeKey(Object copy) {
        return (Long) copy;
    }

    @Override
    void insert(Transaction tx, Position at, KeyProbe k, Object encoded) {
        engine.insertLong(tx, at, k, (Long) encoded);
    }

    @Override
    void update(Transaction tx, Position at, KeyProbe k, Object encoded) {
        engine.updateLong(tx, at, k, (Long) encoded);
    }
}
