package io.regionpm.hash;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolException;
import io.regionpm.core.Pool;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.core.spi.CollectionHandle;
import io.regionpm.core.spi.CollectionTypes;
import io.regionpm.hash.internal.HashEngine;
import io.regionpm.hash.internal.HashMapType;
import io.regionpm.hash.internal.MapHeader;
import io.regionpm.recovery.PoolRuntime;
import io.regionpm.recovery.Transaction;

/** Opens or creates a hash map's directory entry and header in one transaction. */
final class MapOpener {
    /** Stripes of a new map: independent locks and tables. */
    static final int STRIPES = 64;
    /** Buckets per stripe of a new map. */
    static final int BASE_BUCKETS = 16;

    static {
        CollectionTypes.register(HashMapType.ENCODED);
        CollectionTypes.register(HashMapType.LONG_LONG);
    }

    private MapOpener() {
    }

    static HashEngine open(Pool pool, String name, HashMapType type, String keyId, String valueId, UpdateStrategy strategy) {
        if (strategy != null && strategy != UpdateStrategy.SHADOW && strategy != UpdateStrategy.IN_PLACE) {
            throw new IllegalArgumentException("a hash map supports SHADOW and IN_PLACE, not " + strategy);
        }
        PoolRuntime rt = pool.runtime();
        CollectionHandle[] handle = new CollectionHandle[1];
        if (rt.isReadOnly()) {
            handle[0] = pool.openCollection(name, type.name(), keyId, valueId, strategy, UpdateStrategy.SHADOW);
            long header = rt.memory().getLongAcquire(handle[0].rootSlot());
            if (header == 0) {
                throw new PoolException(pool.path() + ": " + name + " has no header yet (its creator died before"
                        + " finishing); open the pool read-write once");
            }
            return engine(rt, header, type, handle[0]);
        }
        long header = rt.transaction(() -> {
            handle[0] = pool.openCollection(name, type.name(), keyId, valueId, strategy, UpdateStrategy.SHADOW);
            Transaction tx = rt.current();
            long h = tx.getLong(handle[0].rootSlot());
            if (h == 0) {
                h = HashEngine.create(tx, STRIPES, BASE_BUCKETS, type.kind());
                tx.setLong(handle[0].rootSlot(), h);
            }
            return h;
        });
        return engine(rt, header, type, handle[0]);
    }

    private static HashEngine engine(PoolRuntime rt, long header, HashMapType type, CollectionHandle handle) {
        PersistentMemory pm = rt.memory();
        MapHeader.validate(pm, header, rt.heap().usableSize(header), type.kind());
        return new HashEngine(rt, header, type.kind(), handle.strategy());
    }
}
