package io.regionpm.core;

import java.util.concurrent.atomic.AtomicInteger;

import io.regionpm.core.spi.CollectionHandle;
import io.regionpm.core.spi.CollectionType;
import io.regionpm.core.spi.CollectionTypes;
import io.regionpm.recovery.Transaction;
import io.regionpm.recovery.check.BlockWalker;

/**
 * A test collection type: a singly linked chain of 64-byte blocks from the root word. Drops
 * free {@code budget} blocks per transaction; {@link #crashAfter} makes a later call throw,
 * as if the process died between two batches.
 */
final class ChainType implements CollectionType {
    static final String NAME = "test-chain";
    static final ChainType INSTANCE = new ChainType();
    /** Calls of destroySome left before one throws (negative: never). */
    static final AtomicInteger crashAfter = new AtomicInteger(-1);

    static {
        CollectionTypes.register(INSTANCE);
    }

    private ChainType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BlockWalker walker() {
        return BlockWalker.chain();
    }

    @Override
    public boolean destroySome(Transaction tx, long rootSlot, int budget) {
        if (crashAfter.getAndDecrement() == 0) {
            throw new IllegalStateException("simulated death between two batches of a drop");
        }
        long h = tx.getLong(rootSlot);
        for (int i = 0; i < budget && h != 0; i++) {
            long next = tx.runtime().memory().getLong(h);
            tx.free(h);
            h = next;
        }
        tx.setLong(rootSlot, h);
        return h == 0;
    }

    /** Creates (or opens) a chain and appends {@code blocks} blocks at its head, 500 per transaction. */
    static CollectionHandle build(Pool pool, String name, int blocks) {
        CollectionHandle h = pool.openCollection(name, NAME, "", "", null, UpdateStrategy.IN_PLACE);
        for (int done = 0; done < blocks; ) {
            int n = Math.min(500, blocks - done);
            pool.transaction(() -> {
                Transaction tx = pool.runtime().current();
                for (int i = 0; i < n; i++) {
                    long b = tx.allocate(64);
                    pool.runtime().memory().setLong(b, tx.getLong(h.rootSlot()));
                    tx.setLong(h.rootSlot(), b);
                }
            });
            done += n;
        }
        return h;
    }

    static long length(Pool pool, long rootSlot) {
        long n = 0;
        for (long b = pool.runtime().memory().getLong(rootSlot); b != 0; b = pool.runtime().memory().getLong(b)) {
            n++;
        }
        return n;
    }
}
