package io.regionpm.core.internal;

import io.regionpm.core.spi.CollectionType;
import io.regionpm.recovery.Transaction;
import io.regionpm.recovery.check.BlockWalker;

/**
 * Raw regions ({@code Pool.region}): one block of bytes that the user writes directly; no
 * pointers inside; dropping frees the block.
 *
 * <p>Thread-safety: stateless.
 */
public final class RawRegionType implements CollectionType {
    /** The type's directory name. */
    public static final String NAME = "raw-region";
    /** The one instance. */
    public static final RawRegionType INSTANCE = new RawRegionType();

    private RawRegionType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BlockWalker walker() {
        return (pm, block, sink) -> { };
    }

    @Override
    public boolean destroySome(Transaction tx, long rootSlot, int budget) {
        long block = tx.getLong(rootSlot);
        if (block != 0) {
            tx.free(block);
            tx.setLong(rootSlot, 0);
        }
        return true;
    }
}
