package io.regionpm.alloc.internal;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.alloc.PoolGeometry;

/**
 * Redoes a lane's valid intent after its holder died (process crash or power loss) and
 * clears it. Every step is idempotent: setting or clearing a bit, storing the slot,
 * releasing a run by compare-and-set. The protocol guarantees that no other lane has
 * reused the block while the intent was valid (see {@link LaneTable#fence}).
 *
 * <p>Thread-safety: called by the lane's new holder only.
 */
final class IntentReplay {
    private final SuperblockTable table;
    private final LaneRecord record;
    private final PersistentMemory pm;
    private final PoolGeometry g;

    IntentReplay(SuperblockTable table, LaneRecord record) {
        this.table = table;
        this.record = record;
        this.pm = table.memory();
        this.g = table.geometry();
    }

    /** @return whether a valid intent was found and redone */
    boolean replay() {
        int op = record.validOp();
        if (op == LaneRecord.NONE) {
            return false;
        }
        long block = record.block();
        long slot = record.slot();
        if (!LaneRecord.isValidSlot(g, slot)) {
            throw new PoolCorruptedException("lane " + record.lane() + ": intent slot " + slot + " is invalid");
        }
        if (op == LaneRecord.ALLOC) {
            table.setBit(table.resolve(block));
            store(slot, record.value());
        } else {
            redoFree(block, slot, record.value());
        }
        pm.drain();
        record.clearIntent();
        return true;
    }

    private void redoFree(long block, long slot, long value) {
        long sb = g.superblockOf(block);
        if (sb >= 0 && table.state(sb) == SuperblockState.FREE) {
            store(slot, value);
            return;
        }
        Block b = table.resolve(block);
        table.clearBit(b);
        store(slot, value);
        if (b.large()) {
            pm.drain();
            table.releaseRun(b.superblock(), b.state());
        }
    }

    private void store(long slot, long value) {
        if (slot != LaneRecord.NO_SLOT) {
            pm.setLongRelease(slot, value);
            pm.flush(slot, 8);
        }
    }
}
