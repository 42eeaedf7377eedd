package io.regionpm.recovery;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.eclipse.collections.api.block.procedure.primitive.LongProcedure;
import org.eclipse.collections.api.list.primitive.LongList;

import io.regionpm.alloc.PoolException;

/**
 * A lane's limbo at commit: blocks that transactions retired (unlinked from a shadow
 * structure that readers in any process may still be walking) wait there, tagged with the
 * reader epoch of their retirement, until {@link ReaderEpochs} says that no live reader can
 * reach them; then a later commit of the same lane frees them. Every change to the limbo is
 * a redo-logged write of the committing transaction, so entering and leaving the limbo is
 * atomic with that transaction's other effects, and a crash neither leaks nor frees early.
 *
 * <p>Thread-safety: used by the lane's holder only.
 */
final class LaneLimbo {
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private LaneLimbo() {
    }

    /**
     * Frees the reclaimable entries and stores {@code retired} in free entries, waiting for
     * readers up to {@code timeout} while the limbo is full.
     *
     * @param tx      the committing transaction (its redo writes change the limbo)
     * @param lane    the lane's log and its occupancy hint
     * @param epochs  the pool's reader epochs
     * @param retired blocks retired by this transaction
     * @param free    adds a block to the transaction's frees
     * @param timeout how long to wait for readers when the limbo is full
     * @throws PoolException if the limbo stays full (the transaction aborts)
     */
    static void settle(Transaction tx, TxLane lane, ReaderEpochs epochs, LongList retired, LongProcedure free,
                       Duration timeout) {
        if (retired.isEmpty() && lane.limboEntries() == 0) {
            return;
        }
        long tag = epochs.currentEpoch();
        long deadline = System.nanoTime() + timeout.toNanos();
        int placed = 0;
        while (true) {
            long oldest = epochs.oldestActiveEpoch();
            int occupied = 0;
            for (int i = 0; i < LaneLog.LIMBO_ENTRIES; i++) {
                long entry = lane.space().limboEntry(i);
                long block = tx.getLong(entry);
                if (block != 0 && tx.getLong(entry + 8) < oldest) {
                    free.value(block);
                    tx.setLong(entry, 0);
                    tx.setLong(entry + 8, 0);
                    block = 0;
                }
                if (block == 0 && placed < retired.size()) {
                    tx.setLong(entry, retired.get(placed++));
                    tx.setLong(entry + 8, tag);
                    block = 1;
                }
                occupied += block != 0 ? 1 : 0;
            }
            lane.limboEntries(occupied);
            if (placed == retired.size()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new PoolException("the limbo of lane " + lane.space().lane() + " is full: readers still in epoch "
                        + oldest + " keep " + LaneLog.LIMBO_ENTRIES + " retired blocks after " + timeout);
            }
            LockSupport.parkNanos(PAUSE_NANOS);
        }
    }
}
