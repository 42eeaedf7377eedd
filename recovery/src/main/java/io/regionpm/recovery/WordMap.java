package io.regionpm.recovery;

import java.util.Arrays;

import org.eclipse.collections.impl.map.mutable.primitive.LongIntHashMap;

/**
 * A map from pool word offsets to values, tuned for transactions: most hold a handful of
 * words, found by a linear scan of two small arrays; past {@value #SCAN_LIMIT} entries a hash
 * index takes over. Keeps insertion order.
 *
 * <p>Thread-safety: none (one transaction's). Heap use: proportional to its entries, which a
 * lane's log bounds.
 */
final class WordMap {
    private static final int SCAN_LIMIT = 16;
    private long[] keys = new long[SCAN_LIMIT];
    private long[] values = new long[SCAN_LIMIT];
    private int size;
    private LongIntHashMap index;

    /** @return entries */
    int size() {
        return size;
    }

    /** @return whether empty */
    boolean isEmpty() {
        return size == 0;
    }

    /** @param key an offset @return its entry's index, or -1 */
    int indexOf(long key) {
        if (index != null) {
            return index.getIfAbsent(key, -1);
        }
        for (int i = 0; i < size; i++) {
            if (keys[i] == key) {
                return i;
            }
        }
        return -1;
    }

    /**
     * @param key   an offset
     * @param value its value
     * @return whether the key is new
     */
    boolean put(long key, long value) {
        int i = indexOf(key);
        if (i >= 0) {
            values[i] = value;
            return false;
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        keys[size] = key;
        values[size] = value;
        if (index != null) {
            index.put(key, size);
        } else if (size + 1 > SCAN_LIMIT) {
            index = new LongIntHashMap(size * 2);
            for (int k = 0; k <= size; k++) {
                index.put(keys[k], k);
            }
        }
        size++;
        return true;
    }

    /** @param i an index below {@link #size()} @return its key */
    long key(int i) {
        return keys[i];
    }

    /** @param i an index below {@link #size()} @return its value */
    long value(int i) {
        return values[i];
    }

    /** @return the keys, sorted */
    long[] sortedKeys() {
        long[] out = Arrays.copyOf(keys, size);
        Arrays.sort(out);
        return out;
    }

    /** Empties it; arrays that grew large are dropped. */
    void clear() {
        size = 0;
        index = null;
        if (keys.length > 4 * SCAN_LIMIT) {
            keys = new long[SCAN_LIMIT];
            values = new long[SCAN_LIMIT];
        }
    }
}
