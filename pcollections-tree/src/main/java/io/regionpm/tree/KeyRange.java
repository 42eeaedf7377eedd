package io.regionpm.tree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.regionpm.core.Codec;
import io.regionpm.tree.internal.OrderedStore;
import io.regionpm.tree.internal.Relation;

/**
 * An interval of keys, in the store's (ascending) order, with optional inclusive or exclusive
 * ends: the keys a {@link RangeView} shows. It compares keys by their order-preserving
 * encodings, exactly as the store orders them, and finds the entries of the interval with
 * {@link OrderedStore#find} and bounded {@link OrderedStore#scan}s, so that no entry outside it
 * is ever returned. The rules for narrowing a range are those of
 * {@code ConcurrentSkipListMap.SubMap}.
 *
 * <p>Thread-safety: immutable. Every method that takes a store reads it once per call (one
 * consistent state each).
 *
 * @param <K> keys
 */
final class KeyRange<K> {
    private final Codec<K> codec;
    private final K lo;
    private final byte[] loBytes;
    private final boolean loInclusive;
    private final K hi;
    private final byte[] hiBytes;
    private final boolean hiInclusive;

    private KeyRange(Codec<K> codec, K lo, boolean loInclusive, K hi, boolean hiInclusive) {
        this.codec = codec;
        this.lo = lo;
        this.loBytes = lo == null ? null : codec.toBytes(lo);
        this.loInclusive = loInclusive;
        this.hi = hi;
        this.hiBytes = hi == null ? null : codec.toBytes(hi);
        this.hiInclusive = hiInclusive;
        if (loBytes != null && hiBytes != null && Arrays.compareUnsigned(loBytes, hiBytes) > 0) {
            throw new IllegalArgumentException("inconsistent range: " + lo + " > " + hi);
        }
    }

    /**
     * @param codec the key codec (order-preserving)
     * @param <K>   keys
     * @return the range of every key
     */
    static <K> KeyRange<K> all(Codec<K> codec) {
        return new KeyRange<>(codec, null, false, null, false);
    }

    /** @return whether this range has no bound (every key is in it) */
    boolean isFull() {
        return lo == null && hi == null;
    }

    /**
     * A narrower range, in ascending terms; a null end keeps this range's end.
     *
     * @throws IllegalArgumentException if an end is outside this range, or {@code from > to}
     * @throws ClassCastException       if an end is not a key of the codec's type
     */
    KeyRange<K> narrow(K from, boolean fromInclusive, K to, boolean toInclusive) {
        K newLo = lo;
        boolean newLoInclusive = loInclusive;
        if (from != null) {
            int c = lo == null ? 1 : compare(codec.toBytes(from), loBytes);
            if (c < 0 || (c == 0 && !loInclusive && fromInclusive)) {
                throw new IllegalArgumentException("key out of range: " + from);
            }
            newLo = from;
            newLoInclusive = fromInclusive;
        }
        K newHi = hi;
        boolean newHiInclusive = hiInclusive;
        if (to != null) {
            int c = hi == null ? -1 : compare(codec.toBytes(to), hiBytes);
            if (c > 0 || (c == 0 && !hiInclusive && toInclusive)) {
                throw new IllegalArgumentException("key out of range: " + to);
            }
            newHi = to;
            newHiInclusive = toInclusive;
        }
        return new KeyRange<>(codec, newLo, newLoInclusive, newHi, newHiInclusive);
    }

    private static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    private boolean tooLow(byte[] key) {
        if (loBytes == null) {
            return false;
        }
        int c = compare(key, loBytes);
        return c < 0 || (c == 0 && !loInclusive);
    }

    private boolean tooHigh(byte[] key) {
        if (hiBytes == null) {
            return false;
        }
        int c = compare(key, hiBytes);
        return c > 0 || (c == 0 && !hiInclusive);
    }

    /**
     * @param key a key (not null)
     * @return whether it is in this range
     * @throws ClassCastException if it is not a key of the codec's type
     */
    @SuppressWarnings("unchecked")
    boolean contains(Object key) {
        Objects.requireNonNull(key, "key");
        if (isFull()) {
            return true;
        }
        byte[] k = codec.toBytes((K) key);
        return !tooLow(k) && !tooHigh(k);
    }

    /**
     * @param key a key
     * @throws NullPointerException     if null
     * @throws IllegalArgumentException if outside this range
     */
    void check(K key) {
        if (!contains(key)) {
            throw new IllegalArgumentException("key out of range: " + key);
        }
    }

    /** @return the least entry in this range, or null */
    <V> Map.Entry<K, V> lowest(OrderedStore<K, V> store) {
        return isFull() ? store.find(null, Relation.CEILING) : first(store, lo, loInclusive, false);
    }

    /** @return the greatest entry in this range, or null */
    <V> Map.Entry<K, V> highest(OrderedStore<K, V> store) {
        return isFull() ? store.find(null, Relation.FLOOR) : first(store, hi, hiInclusive, true);
    }

    /**
     * @param key      a key (not null; need not be in the range)
     * @param relation CEILING, HIGHER, FLOOR or LOWER, in ascending terms
     * @return that neighbour of {@code key} within this range, or null
     */
    <V> Map.Entry<K, V> near(OrderedStore<K, V> store, K key, Relation relation) {
        Objects.requireNonNull(key, "key");
        if (isFull()) {
            return store.find(key, relation);
        }
        boolean upward = relation == Relation.CEILING || relation == Relation.HIGHER;
        boolean inclusive = relation == Relation.CEILING || relation == Relation.FLOOR;
        byte[] k = codec.toBytes(key);
        if (tooLow(k)) {
            return upward ? lowest(store) : null;
        }
        if (tooHigh(k)) {
            return upward ? null : highest(store);
        }
        return first(store, key, inclusive, !upward);
    }

    /** The first entry from {@code from} in a direction, up to this range's end in that direction. */
    private <V> Map.Entry<K, V> first(OrderedStore<K, V> store, K from, boolean fromInclusive, boolean descending) {
        List<Map.Entry<K, V>> one = new ArrayList<>(1);
        scan(store, from, fromInclusive, descending, 1, one);
        return one.isEmpty() ? null : one.get(0);
    }

    /** Whether no key lies from {@code from} to {@code to} in the direction (so no scan is needed). */
    private boolean isEmpty(K from, boolean fromInclusive, K to, boolean toInclusive, boolean descending) {
        int c = compare(codec.toBytes(from), codec.toBytes(to));
        if (descending) {
            c = -c;
        }
        return c > 0 || (c == 0 && !(fromInclusive && toInclusive));
    }

    /**
     * One bounded scan within this range.
     *
     * @param from          where to start (inside the range), or null for this range's start in the direction
     * @param fromInclusive whether an entry at {@code from} is included (ignored if {@code from} is null)
     * @param descending    the direction
     * @param max           at most this many entries
     * @param out           receives them
     * @return the number appended; fewer than {@code max} means the range is exhausted
     */
    <V> int scan(OrderedStore<K, V> store, K from, boolean fromInclusive, boolean descending, int max,
                 List<Map.Entry<K, V>> out) {
        if (from == null) {
            from = descending ? hi : lo;
            fromInclusive = descending ? hiInclusive : loInclusive;
        }
        K to = descending ? lo : hi;
        boolean toInclusive = descending ? loInclusive : hiInclusive;
        if (from != null && to != null && isEmpty(from, fromInclusive, to, toInclusive, descending)) {
            return 0;
        }
        return store.scan(from, fromInclusive, to, toInclusive, descending, max, out);
    }
}
