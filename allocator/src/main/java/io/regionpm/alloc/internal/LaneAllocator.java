package io.regionpm.alloc.internal;

import java.util.function.Consumer;

import org.eclipse.collections.api.set.primitive.MutableLongSet;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.alloc.PoolFullException;
import io.regionpm.alloc.PoolGeometry;

/**
 * The allocator of one lane held by this process: reserve, publish, cancel and free, with
 * the lane's volatile index ({@link LaneIndex}). See docs/format.md,
 * "Allocation protocol", for the persistence order of each operation.
 *
 * <p>Thread-safety: used by one thread at a time (the lane's holder). Process-safety:
 * allocates only from superblocks this lane owns; frees into any superblock atomically.
 */
public final class LaneAllocator {
    private final int lane;
    private final PersistentMemory pm;
    private final PoolGeometry g;
    private final SuperblockTable table;
    private final LaneTable lanes;
    private final LaneRecord record;
    private final SuperblockClaimer claimer;
    private final LaneServices services;
    private final LaneIndex index;
    private final MutableLongSet reserved;

    /**
     * @param lane           the lane index (already claimed)
     * @param table          states and bitmaps
     * @param lanes          the lane table
     * @param claimer        claims FREE superblocks
     * @param services       operations on other lanes (adoption, orphan release)
     */
    public LaneAllocator(int lane, SuperblockTable table, LaneTable lanes, SuperblockClaimer claimer,
                         LaneServices services) {
        this.lane = lane;
        this.table = table;
        this.pm = table.memory();
        this.g = table.geometry();
        this.lanes = lanes;
        this.record = lanes.record(lane);
        this.claimer = claimer;
        this.services = services;
        this.index = new LaneIndex(lane, table, lanes, claimer, services);
        this.reserved = index.reserved();
    }

    /** @return the lane index */
    public int lane() {
        return lane;
    }

    // ---- reserve and cancel (volatile) --------------------------------------------------

    /**
     * Reserves a block: no allocation state changes in the pool (a new superblock may be
     * claimed for the lane, which is ownership, not allocation).
     *
     * @param bytes requested size, at least 1
     * @return the block's offset, 8-byte aligned
     * @throws PoolFullException if nothing fits (nothing changed)
     */
    public long reserve(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("size must be positive: " + bytes);
        }
        long block = bytes <= SizeClasses.MAX_SMALL ? index.takeSmall(SizeClasses.classOf(bytes)) : reserveLarge(bytes);
        reserved.add(block);
        return block;
    }

    private long reserveLarge(long bytes) {
        long run = (bytes + PoolGeometry.SUPERBLOCK_BYTES - 1) / PoolGeometry.SUPERBLOCK_BYTES;
        if (run > g.superblockCount()) {
            throw new PoolFullException("pool full: " + bytes + " bytes is larger than the pool's data region ("
                    + g.dataBytes() + " bytes)");
        }
        long head = claimer.claimRun(lane, run);
        if (head < 0 && (services.adoptIdleLanes(index) | index.releaseEmpties() > 0)) {
            head = claimer.claimRun(lane, run);
        }
        if (head < 0) {
            throw new PoolFullException("pool full: no run of " + run + " free superblocks for " + bytes + " bytes");
        }
        return g.superblockOffset(head);
    }

    /**
     * Drops a reservation.
     *
     * @param block a block {@link #reserve reserved} by this lane and not yet published
     */
    public void cancel(long block) {
        if (!reserved.remove(block)) {
            throw new IllegalStateException("block " + block + " is not reserved by lane " + lane);
        }
        Block b = table.resolve(block);
        if (b.large()) {
            table.releaseRun(b.superblock(), b.state());
        } else {
            index.giveBack(b);
        }
    }

    /** @param block an offset @return whether this lane holds it reserved */
    public boolean isReserved(long block) {
        return reserved.contains(block);
    }

    /** Cancels every outstanding reservation (when the lane is handed back). */
    public void cancelAll() {
        for (long block : reserved.toArray()) {
            cancel(block);
        }
    }

    // ---- publish and free (persistent) --------------------------------------------------

    /**
     * Makes a reservation an allocation, atomically with storing its offset in a slot:
     * after any crash, either the bit is set and the slot points at the block, or neither.
     * The slot must not be visible to other threads until this returns.
     *
     * @param block a reserved block
     * @param slot  an 8-byte aligned word in the data region, or {@link LaneRecord#NO_SLOT}
     */
    public void publish(long block, long slot) {
        if (!reserved.contains(block)) {
            throw new IllegalStateException("block " + block + " is not reserved by lane " + lane);
        }
        checkSlot(slot);
        Block b = table.resolve(block);
        record.writeIntent(LaneRecord.ALLOC, block, slot, block);
        if (!table.setBit(b)) {
            record.clearIntent();
            throw new PoolCorruptedException("block " + block + " was reserved but its bit is already set");
        }
        storeSlot(slot, block);
        pm.drain();
        record.clearIntent();
        reserved.remove(block);
    }

    /**
     * Frees the block a slot points to and clears the slot, atomically.
     *
     * @param slot an 8-byte aligned word in the data region holding an allocated block
     */
    public void free(long slot) {
        if (slot == LaneRecord.NO_SLOT) {
            throw new IllegalArgumentException("free(slot) needs a slot; use freeBlock");
        }
        checkSlot(slot);
        freeInternal(pm.getLongAcquire(slot), slot, 0);
    }

    /**
     * Frees a block no pointer in the pool refers to any more (the caller's log makes that
     * atomic with the free).
     *
     * @param block an allocated block
     */
    public void freeBlock(long block) {
        freeInternal(block, LaneRecord.NO_SLOT, 0);
    }

    /**
     * Frees a block and stores {@code value} in {@code slot}, atomically.
     *
     * @param block an allocated block
     * @param slot  a slot word or {@link LaneRecord#NO_SLOT}
     * @param value the value to store
     */
    public void freeBlock(long block, long slot, long value) {
        checkSlot(slot);
        freeInternal(block, slot, value);
    }

    private void freeInternal(long block, long slot, long value) {
        if (reserved.contains(block)) {
            throw new IllegalStateException("block " + block + " is reserved, not published: cancel it");
        }
        Block b = table.resolveAllocated(block);
        record.writeIntent(LaneRecord.FREE, block, slot, value);
        int owner = b.owner();
        if (!b.large() && owner != lane && owner >= 0 && owner < lanes.count()) {
            lanes.record(owner).addRemoteFree();
        }
        if (!table.clearBit(b)) {
            record.clearIntent();
            throw new PoolCorruptedException("block " + block + " was freed twice at once");
        }
        storeSlot(slot, value);
        pm.drain();
        if (b.large()) {
            table.releaseRun(b.superblock(), b.state());
            pm.drain();
        }
        record.clearIntent();
        if (!b.large() && owner == lane) {
            index.giveBack(b);
        } else if (!b.large() && table.bitmapEmpty(b.superblock())) {
            services.releaseIfOrphaned(b.superblock(), owner);
        }
    }

    private void storeSlot(long slot, long value) {
        if (slot != LaneRecord.NO_SLOT) {
            pm.setLongRelease(slot, value);
            pm.flush(slot, 8);
        }
    }

    private void checkSlot(long slot) {
        if (!LaneRecord.isValidSlot(g, slot)) {
            throw new PoolCorruptedException("slot " + slot + " is not an aligned word of the data region, "
                    + "root area, registry or lane logs");
        }
    }

    /**
     * Makes a reserved block allocated without an intent, for a caller whose durable commit
     * record already says so (and who redoes it with {@link #redoPublish} after a crash):
     * sets and flushes its bit; the caller drains.
     *
     * @param block a block reserved by this lane
     */
    public void publishCommitted(long block) {
        if (!reserved.remove(block)) {
            throw new IllegalStateException("block " + block + " is not reserved by lane " + lane);
        }
        if (!table.setBit(table.resolve(block))) {
            throw new PoolCorruptedException("block " + block + " was reserved but its bit is already set");
        }
    }

    /**
     * Sets the bit of a block of this lane again after a crash (idempotent); the caller drains.
     *
     * @param block a block start in a superblock or run this lane owns
     */
    public void redoPublish(long block) {
        Block b = table.resolve(block);
        if (b.owner() != lane) {
            throw new PoolCorruptedException("log of lane " + lane + " allocated block " + block
                    + " of a superblock owned by lane " + b.owner());
        }
        table.setBit(b);
    }

    /** @param block an offset @return whether it is the start of an allocated block */
    public boolean isAllocated(long block) {
        try {
            return table.isSet(table.resolve(block));
        } catch (PoolCorruptedException e) {
            return false;
        }
    }

    // ---- recovery and indexing ----------------------------------------------------------

    /**
     * Recovers the lane after it was claimed: replays a valid intent (redo; every step is
     * idempotent), then scans the state table to rebuild the index and release this lane's
     * orphaned large reservations. Proportional to the number of superblocks.
     *
     * @return whether an intent was replayed
     */
    public boolean recoverAndIndex() {
        return recoverAndIndex(null);
    }

    /**
     * Like {@link #recoverAndIndex()}, calling {@code hook} between the intent replay and the
     * index rebuild (a dead holder's log is replayed there).
     *
     * @param hook the layer above, or null
     * @return whether an intent was replayed
     */
    public boolean recoverAndIndex(Consumer<LaneAllocator> hook) {
        boolean replayed = new IntentReplay(table, record).replay();
        if (hook != null) {
            pm.drain();
            hook.accept(this);
        }
        index.rebuild();
        pm.drain();
        return replayed;
    }

    /**
     * Returns this lane's empty superblocks to FREE (see {@link LaneIndex}).
     *
     * @return how many were released
     */
    public int releaseEmpties() {
        return index.releaseEmpties();
    }


}
