package io.regionpm.hash;

import java.util.Objects;

import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.core.Codec;
import io.regionpm.core.CodecException;
import io.regionpm.core.Pool;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.hash.internal.HashEngine;
import io.regionpm.hash.internal.HashMapType;
import io.regionpm.hash.internal.KeyProbe;
import io.regionpm.hash.internal.Position;
import io.regionpm.recovery.Transaction;

/**
 * A {@link java.util.concurrent.ConcurrentMap} that lives in a pool, shared by every thread
 * and every JVM that opens the pool.
 *
 * <pre>{@code
 * try (Pool pool = Pool.open(Path.of("data.pool"), PoolOptions.create(1L << 30))) {
 *     PersistentHashMap<String, Long> counts = PersistentHashMap.open(pool, "counts", Codecs.STRING, Codecs.LONG);
 *     counts.merge("a", 1L, Long::sum);
 * }
 * }</pre>
 *
 * <p>Semantics: those of {@code ConcurrentHashMap}. Every method is atomic across threads and
 * processes, including {@code putIfAbsent}, {@code replace}, the {@code compute} family and
 * {@code merge} (their functions run once, while the key's stripe is locked: keep them short
 * and never touch the same map from them in another thread). Views are live and writable;
 * iterators are weakly consistent, never throw {@code ConcurrentModificationException}, return
 * each entry present throughout the iteration exactly once and support {@code remove};
 * {@code Map.Entry.setValue} writes through. {@code null} keys and values are refused with
 * {@code NullPointerException}; keys that are not of the key codec's type are simply absent.
 *
 * <p>Concurrency: gets take no lock (a version check per stripe; a get retries while a writer
 * of the same stripe commits, and never sees a torn entry); writers lock one of 64 stripes.
 * Inside {@code pool.transaction(...)} every access (gets too) locks its stripe until the
 * transaction ends, and sees the transaction's own writes. Growth is linear hashing, one
 * bucket per insertion, so no operation ever waits for a whole table to be rehashed.
 *
 * <p>Strategies: {@link UpdateStrategy#SHADOW} (default): a new or changed entry is written
 * in a new block and published with one 8-byte store at commit. {@link UpdateStrategy#IN_PLACE}:
 * a value update whose encoding has the old one's size overwrites it in place under an undo
 * log (no allocation); other changes are as in SHADOW.
 *
 * <p>Crash behaviour: each call is one transaction: after a process crash or a power loss it
 * is there entirely or not at all, as the pool's durability mode promises. Space: an entry is
 * one block of 24 bytes plus the key's and value's encodings (rounded to the allocator's size
 * class), and about 8 bytes of bucket per entry; values whose entry would exceed 2 KiB are
 * kept out of line. Heap use does not grow with the map.
 *
 * @param <K> keys
 * @param <V> values
 */
public final class PersistentHashMap<K, V> extends AbstractHashMap<K, V> {
    private final Codec<K> keyCodec;
    private final Codec<V> valueCodec;

    private PersistentHashMap(Pool pool, String name, HashEngine engine, Codec<K> keyCodec, Codec<V> valueCodec) {
        super(pool, name, engine);
        this.keyCodec = keyCodec;
        this.valueCodec = valueCodec;
    }

    /**
     * Opens the map called {@code name}, creating it (with {@link UpdateStrategy#SHADOW}) if the
     * name is new. An existing map opens with the strategy it was created with.
     *
     * @param pool       the pool
     * @param name       the map's name
     * @param keyCodec   how keys are stored
     * @param valueCodec how values are stored
     * @param <K>        keys
     * @param <V>        values
     * @return the map
     * @throws IllegalStateException if the name exists with another type or other codecs
     */
    public static <K, V> PersistentHashMap<K, V> open(Pool pool, String name, Codec<K> keyCodec, Codec<V> valueCodec) {
        return open(pool, name, keyCodec, valueCodec, null);
    }

    /**
     * Opens the map called {@code name}, creating it with {@code strategy} if the name is new.
     *
     * @param pool       the pool
     * @param name       the map's name
     * @param keyCodec   how keys are stored
     * @param valueCodec how values are stored
     * @param strategy   SHADOW or IN_PLACE (null: as created; SHADOW for a new map)
     * @param <K>        keys
     * @param <V>        values
     * @return the map
     * @throws IllegalStateException    if the name exists with another type, other codecs or
     *                                  another strategy
     * @throws IllegalArgumentException if the strategy is APPEND
     */
    public static <K, V> PersistentHashMap<K, V> open(Pool pool, String name, Codec<K> keyCodec, Codec<V> valueCodec,
                                                      UpdateStrategy strategy) {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(keyCodec, "keyCodec");
        Objects.requireNonNull(valueCodec, "valueCodec");
        HashEngine engine = MapOpener.open(pool, name, HashMapType.ENCODED, keyCodec.id(), valueCodec.id(), strategy);
        return new PersistentHashMap<>(pool, name, engine, keyCodec, valueCodec);
    }

    /** @return the key codec */
    public Codec<K> keyCodec() {
        return keyCodec;
    }

    /** @return the value codec */
    public Codec<V> valueCodec() {
        return valueCodec;
    }

    @Override
    @SuppressWarnings("unchecked")
    KeyProbe probeOrNull(Object key) {
        try {
            return KeyProbe.ofBytes(keyCodec.toBytes((K) key));
        } catch (ClassCastException | IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    KeyProbe probe(K key) {
        return KeyProbe.ofBytes(keyCodec.toBytes(Objects.requireNonNull(key, "key")));
    }

    @Override
    Object encode(V value) {
        return valueCodec.toBytes(Objects.requireNonNull(value, "value"));
    }

    @Override
    Object copyValue(long entry) {
        return engine.valueBytes(entry);
    }

    @Override
    Object copyKey(long entry) {
        return engine.keyBytes(entry);
    }

    @Override
    V decodeValue(Object copy) {
        try {
            return valueCodec.fromOwnedBytes((byte[]) copy);
        } catch (CodecException e) {
            throw new PoolCorruptedException(name + ": a stored value is not a valid " + valueCodec.id() + " encoding: "
                    + e.getMessage(), e);
        }
    }

    @Override
    K decodeKey(Object copy) {
        try {
            return keyCodec.fromOwnedBytes((byte[]) copy);
        } catch (CodecException e) {
            throw new PoolCorruptedException(name + ": a stored key is not a valid " + keyCodec.id() + " encoding: "
                    + e.getMessage(), e);
        }
    }

    @Override
    void insert(Transaction tx, Position at, KeyProbe k, Object encoded) {
        engine.insert(tx, at, k, (byte[]) encoded);
    }

    @Override
    void update(Transaction tx, Position at, KeyProbe k, Object encoded) {
        engine.update(tx, at, k, (byte[]) encoded);
    }
}
