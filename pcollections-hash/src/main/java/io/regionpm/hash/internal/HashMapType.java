package io.regionpm.hash.internal;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.core.spi.CollectionType;
import io.regionpm.recovery.Transaction;
import io.regionpm.recovery.check.BlockWalker;
import io.regionpm.recovery.check.ReferenceSink;

/**
 * The two hash map collection types for the pool: their names in the root directory, the
 * checker's walker (which also verifies that every entry sits in the bucket its hash names and
 * that each stripe's count is right) and the drop.
 *
 * <p>Thread-safety: stateless.
 */
public final class HashMapType implements CollectionType {
    /** {@code PersistentHashMap}. */
    public static final HashMapType ENCODED = new HashMapType("hash-map", MapHeader.KIND_ENCODED);
    /** {@code PersistentLongLongHashMap}. */
    public static final HashMapType LONG_LONG = new HashMapType("long-long-hash-map", MapHeader.KIND_LONG_LONG);

    private final String typeName;
    private final int kind;

    private HashMapType(String typeName, int kind) {
        this.typeName = typeName;
        this.kind = kind;
    }

    /** @return the entry kind of {@link MapHeader} */
    public int kind() {
        return kind;
    }

    @Override
    public String name() {
        return typeName;
    }

    @Override
    public BlockWalker walker() {
        return this::walk;
    }

    @Override
    public boolean destroySome(Transaction tx, long rootSlot, int budget) {
        return HashEngine.destroySome(tx, rootSlot, budget);
    }

    private void walk(PersistentMemory pm, long header, ReferenceSink sink) {
        MapHeader.validate(pm, header, Long.MAX_VALUE, kind);
        int base = MapHeader.base(pm, header);
        for (int s = 0; s < MapHeader.stripes(pm, header); s++) {
            long stripe = MapHeader.stripe(header, s);
            long shape = pm.getLong(MapHeader.shape(stripe));
            long inUse = MapHeader.bucketsInUse(base, shape);
            if (MapHeader.level(shape) > MapHeader.MAX_CHUNKS || MapHeader.chunkOf(base, inUse - 1) >= MapHeader.MAX_CHUNKS) {
                throw new PoolCorruptedException("hash map stripe " + s + " at " + stripe + ": bad shape " + Long.toHexString(shape));
            }
            long entries = 0;
            for (int k = 0; k < MapHeader.MAX_CHUNKS; k++) {
                long slot = MapHeader.chunkSlot(stripe, k);
                long chunk = pm.getLong(slot);
                if (!sink.visit(slot, chunk)) {
                    if (chunk == 0 && MapHeader.chunkStart(base, k) < inUse) {
                        throw new PoolCorruptedException("hash map stripe " + s + ": chunk " + k + " in use but missing");
                    }
                    continue;
                }
                long first = MapHeader.chunkStart(base, k);
                for (long b = first; b < Math.min(inUse, first + MapHeader.chunkBuckets(base, k)); b++) {
                    entries += walkChain(pm, chunk + 8 * (b - first), base, shape, b, sink);
                }
            }
            long count = pm.getLong(MapHeader.count(stripe));
            if (count != entries) {
                throw new PoolCorruptedException("hash map stripe " + s + ": count " + count + " but " + entries + " entries");
            }
        }
    }

    private long walkChain(PersistentMemory pm, long slot, int base, long shape, long bucket, ReferenceSink sink) {
        long n = 0;
        for (long e = pm.getLong(slot); sink.visit(slot, e); e = pm.getLong(slot)) {
            int hash = pm.getInt(e + EntryLayout.HASH);
            if (MapHeader.bucketOf(base, shape, hash) != bucket) {
                throw new PoolCorruptedException("hash map entry at " + e + " (hash " + Integer.toHexString(hash)
                        + ") is in bucket " + bucket + ", not " + MapHeader.bucketOf(base, shape, hash));
            }
            int kl = pm.getInt(e + EntryLayout.KEY_LENGTH);
            if (kind == MapHeader.KIND_ENCODED && pm.getInt(e + EntryLayout.VALUE_LENGTH) == EntryLayout.OUT_OF_LINE) {
                long at = e + HashEngine.outOfLineAt(kl);
                sink.visit(at, pm.getLong(at));
            }
            n++;
            slot = e + EntryLayout.NEXT;
        }
        return n;
    }
}
