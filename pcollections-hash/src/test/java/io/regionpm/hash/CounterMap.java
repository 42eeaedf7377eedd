package io.regionpm.hash;

import io.regionpm.core.Codecs;
import io.regionpm.core.Pool;
import io.regionpm.core.UpdateStrategy;

/**
 * The two hash maps as shared counters for the multi-JVM tests: {@link #ENCODED} counts with
 * {@code PersistentHashMap<String, Long>.merge(key, 1L, Long::sum)}, {@link #LONG_LONG} with
 * {@code PersistentLongLongHashMap.addToValue(key, 1)}. Keys are small indexes mapped to each
 * map's key type.
 */
enum CounterMap {
    /** {@code PersistentHashMap<String, Long>} and {@code merge}. */
    ENCODED {
        @Override
        Counters open(Pool pool, String name, UpdateStrategy strategy) {
            PersistentHashMap<String, Long> map = PersistentHashMap.open(pool, name, Codecs.STRING, Codecs.LONG, strategy);
            return new Counters() {
                @Override
                public long increment(int key) {
                    return map.merge(keyName(key), 1L, Long::sum);
                }

                @Override
                public long value(int key) {
                    return map.getOrDefault(keyName(key), 0L);
                }

                @Override
                public long size() {
                    return map.mappingCount();
                }
            };
        }
    },
    /** {@code PersistentLongLongHashMap} and {@code addToValue}. */
    LONG_LONG {
        @Override
        Counters open(Pool pool, String name, UpdateStrategy strategy) {
            PersistentLongLongHashMap map = PersistentLongLongHashMap.open(pool, name, strategy);
            return new Counters() {
                @Override
                public long increment(int key) {
                    return map.addToValue(longKey(key), 1);
                }

                @Override
                public long value(int key) {
                    return map.getIfAbsent(longKey(key), 0);
                }

                @Override
                public long size() {
                    return map.mappingCount();
                }
            };
        }
    };

    /** The map's name in the pool. */
    static final String NAME = "counts";

    /**
     * @param pool     the pool
     * @param name     the map's name
     * @param strategy the strategy (created with it if new; must match if not)
     * @return the map as counters
     */
    abstract Counters open(Pool pool, String name, UpdateStrategy strategy);

    static String keyName(int key) {
        return "key-" + key;
    }

    /** Spreads the small indexes over the long key space (odd multiplier: distinct keys). */
    static long longKey(int key) {
        return key * 0x9E37_79B9_7F4A_7C15L;
    }

    /** One map seen as counters indexed by small ints. */
    interface Counters {
        /** @param key an index @return the key's value after adding one */
        long increment(int key);

        /** @param key an index @return its value now (0 if absent), read without a lock */
        long value(int key);

        /** @return the number of keys present */
        long size();
    }
}
