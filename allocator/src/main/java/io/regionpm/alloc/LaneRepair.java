package io.regionpm.alloc;

import io.regionpm.alloc.internal.LaneAllocator;

/**
 * The allocator operations a log replay needs while a dead lane is recovered
 * ({@link LaneRecovery#recover}), or a transaction needs at commit: both take the caller's
 * committed log as the record that makes them atomic, so they are idempotent where replay
 * needs them to be.
 *
 * <p>Thread-safety: used by the lane's holder only. Process-safety: as {@link Lane}.
 */
public final class LaneRepair {
    private final LaneAllocator allocator;

    LaneRepair(LaneAllocator allocator) {
        this.allocator = allocator;
    }

    /**
     * Marks a block of this lane allocated again after a crash, for a log whose commit record
     * says it was allocated: sets its bit (idempotent) and flushes it; the caller drains.
     *
     * @param block the start of a block in a superblock or run that this lane owns
     * @throws PoolCorruptedException if it is not one
     */
    public void redoPublish(long block) {
        allocator.redoPublish(block);
    }

    /**
     * Frees an allocated block and stores {@code value} in {@code slot}, atomically, through
     * the lane's intent (the intent fence covers it: no lane reuses the block while a replay
     * could still clear its bit).
     *
     * @param block an allocated block
     * @param slot  a slot word ({@link PoolGeometry#isSlot}) or {@link Lane#NO_SLOT}
     * @param value what to store in it
     * @throws PoolCorruptedException if the block is not allocated or the slot is invalid
     */
    public void free(long block, long slot, long value) {
        allocator.freeBlock(block, slot, value);
    }

    /**
     * @param block an offset
     * @return whether it is an allocated block's start (a replay skips frees already done)
     */
    public boolean isAllocated(long block) {
        return allocator.isAllocated(block);
    }
}
