package io.regionpm.recovery;

import org.eclipse.collections.api.block.procedure.primitive.LongProcedure;
import org.eclipse.collections.api.list.primitive.LongList;

import io.regionpm.alloc.PersistentMemory;

/**
 * A lane's limbo at commit: blocks that transactions retired (unlinked from a shadow
 * structure that readers in any process may still be walking) wait there, tagged with the
 * reader epoch of their retirement, until {@link ReaderEpochs} says that no live reader can
 * reach them; then a later commit of the same lane frees them. Every change to the limbo is
 * a redo-logged write of the committing transaction, so entering and leaving the limbo is
 * atomic with that transaction's other effects, and a crash neither leaks nor frees early.
 *
 * <p>The limbo never makes a commit wait: 32 entries in the lane log take the usual few
 * blocks; when readers hold more than that (a long snapshot, say), the rest go to a chain of
 * {@link LimboPage}s allocated by the committing transaction, as LMDB lets its file grow
 * while a reader holds old pages. Each commit frees what became reclaimable in the entries
 * and at most {@link #DRAIN} blocks of the oldest page, so its frees stay few.
 *
 * <p>Thread-safety: used by the lane's holder only.
 */
final class LaneLimbo {
    /** Blocks of the oldest overflow page freed per commit at most. */
    static final int DRAIN = 32;

    private LaneLimbo() {
    }

    /**
     * Frees the reclaimable entries (and part of the oldest overflow page, if reclaimable) and
     * stores {@code retired} in free entries, the rest in overflow pages.
     *
     * @param tx      the committing transaction (its redo writes change the limbo)
     * @param lane    the lane's log and its occupancy hint
     * @param epochs  the pool's reader epochs
     * @param retired blocks retired by this transaction
     * @param free    adds a block to the transaction's frees
     * @throws io.regionpm.alloc.PoolFullException if an overflow page cannot be allocated (the transaction aborts)
     */
    static void settle(Transaction tx, TxLane lane, ReaderEpochs epochs, LongList retired, LongProcedure free) {
        if (retired.isEmpty() && lane.limboEntries() == 0) {
            return;
        }
        LaneLog space = lane.space();
        long oldest = epochs.oldestActiveEpoch();
        boolean pages = tx.getLong(space.overflowHead()) != 0;
        if (retired.isEmpty() && !pages && lane.limboKnown() && lane.limboOldestTag() >= oldest) {
            return; // nothing to free, nothing to place
        }
        long tag = epochs.currentEpoch();
        int placed = settleEntries(tx, lane, oldest, retired, tag, free);
        drainOldestPage(tx, space, oldest, free);
        while (placed < retired.size()) {
            placed = overflow(tx, space, retired, placed, tag);
        }
        if (tx.getLong(space.overflowHead()) != 0) {
            lane.limboEntries(Math.max(1, lane.limboEntries())); // pages left: settle again next time
        }
    }

    /**
     * Frees the entries no reader can reach and places retired blocks in free entries, reading
     * only the entries the lane's occupancy mask says are taken (all of them if it is not
     * known). The entries are read straight from the pool: only a settle writes them, once
     * per transaction, and this one has not written them yet.
     *
     * @return how many retired blocks were placed
     */
    private static int settleEntries(Transaction tx, TxLane lane, long oldest, LongList retired, long tag,
                                     LongProcedure free) {
        LaneLog space = lane.space();
        PersistentMemory pm = tx.runtime().memory();
        int known = lane.limboKnown() ? lane.limboMask() : -1;
        int mask = 0;
        long oldestTag = Long.MAX_VALUE;
        int placed = 0;
        for (int i = 0; i < LaneLog.LIMBO_ENTRIES; i++) {
            long entry = space.limboEntry(i);
            long block = (known & 1 << i) != 0 ? pm.getLong(entry) : 0;
            long entryTag = block != 0 ? pm.getLong(entry + 8) : 0;
            if (block != 0 && entryTag < oldest) {
                free.value(block);
                tx.setLong(entry, 0);
                tx.setLong(entry + 8, 0);
                block = 0;
            }
            if (block == 0 && placed < retired.size()) {
                tx.setLong(entry, retired.get(placed++));
                tx.setLong(entry + 8, tag);
                block = 1;
                entryTag = tag;
            }
            if (block != 0) {
                mask |= 1 << i;
                oldestTag = Math.min(oldestTag, entryTag);
            }
        }
        lane.limboState(mask, oldestTag);
        lane.limboEntries(Integer.bitCount(mask));
        return placed;
    }

    /** Frees up to {@link #DRAIN} blocks of the oldest page if no reader can reach them, and the page once empty. */
    private static void drainOldestPage(Transaction tx, LaneLog space, long oldest, LongProcedure free) {
        long page = tx.getLong(space.overflowHead());
        if (page == 0 || tx.getLong(page + LimboPage.TAG) >= oldest) {
            return;
        }
        int n = LimboPage.checkedCount(page, tx.getLong(page + LimboPage.COUNT));
        int keep = Math.max(0, n - DRAIN);
        for (int i = n - 1; i >= keep; i--) {
            free.value(tx.getLong(LimboPage.block(page, i)));
        }
        if (keep > 0) {
            tx.setLong(page + LimboPage.COUNT, keep);
            return;
        }
        long next = tx.getLong(page + LimboPage.NEXT);
        tx.setLong(space.overflowHead(), next);
        if (next == 0) {
            tx.setLong(space.overflowTail(), 0);
        }
        free.value(page);
    }

    /**
     * Lists retired blocks from {@code from} in the tail page, or in a new page linked after it.
     *
     * @return the index of the first block not yet placed
     */
    private static int overflow(Transaction tx, LaneLog space, LongList retired, int from, long tag) {
        long tail = tx.getLong(space.overflowTail());
        int n = tail == 0 ? LimboPage.CAPACITY : LimboPage.checkedCount(tail, tx.getLong(tail + LimboPage.COUNT));
        if (n == LimboPage.CAPACITY) {
            long page = tx.allocate(LimboPage.BYTES);
            tx.setLong(page + LimboPage.NEXT, 0);
            tx.setLong(page + LimboPage.COUNT, 0);
            tx.setLong(page + LimboPage.RESERVED, 0);
            tx.setLong(tail == 0 ? space.overflowHead() : tail + LimboPage.NEXT, page);
            tx.setLong(space.overflowTail(), page);
            tail = page;
            n = 0;
        }
        int take = Math.min(LimboPage.CAPACITY - n, retired.size() - from);
        for (int i = 0; i < take; i++) {
            tx.setLong(LimboPage.block(tail, n + i), retired.get(from + i));
        }
        tx.setLong(tail + LimboPage.COUNT, n + take);
        tx.setLong(tail + LimboPage.TAG, tag);
        return from + take;
    }
}
