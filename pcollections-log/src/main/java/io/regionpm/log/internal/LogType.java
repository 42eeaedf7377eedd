package io.regionpm.log.internal;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.core.spi.CollectionType;
import io.regionpm.recovery.Transaction;
import io.regionpm.recovery.check.BlockWalker;
import io.regionpm.recovery.check.ReferenceSink;

/**
 * The log collection type for the pool: its name in the root directory ({@value #NAME}), the
 * checker's walker (the header, then every segment in the ring) and the drop.
 *
 * <p>Thread-safety: stateless.
 */
public final class LogType implements CollectionType {
    /** The type's name. */
    public static final String NAME = "log";
    /** The one instance. */
    public static final LogType INSTANCE = new LogType();

    private LogType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BlockWalker walker() {
        return LogType::walk;
    }

    private static void walk(PersistentMemory pm, long header, ReferenceSink sink) {
        LogHeader.validate(pm, header, Long.MAX_VALUE);
        int ring = LogHeader.ring(pm, header);
        for (int i = 0; i < ring; i++) {
            long slot = LogHeader.ringSlot(header, i);
            sink.visit(slot, pm.getLong(slot));
        }
    }

    @Override
    public boolean destroySome(Transaction tx, long rootSlot, int budget) {
        long header = tx.getLong(rootSlot);
        if (header == 0) {
            return true;
        }
        PersistentMemory pm = tx.runtime().memory();
        LogHeader.validate(pm, header, tx.runtime().heap().usableSize(header));
        int ring = LogHeader.ring(pm, header);
        for (int i = 0; i < ring; i++) {
            long slot = LogHeader.ringSlot(header, i);
            long block = tx.getLong(slot);
            if (block != 0) {
                if (budget-- <= 0) {
                    return false;
                }
                tx.free(block);
                tx.setLong(slot, 0);
            }
        }
        tx.free(header);
        tx.setLong(rootSlot, 0);
        return true;
    }
}
