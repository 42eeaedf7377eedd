package io.regionpm.alloc.internal;

import org.eclipse.collections.api.set.primitive.MutableLongSet;
import org.eclipse.collections.impl.set.mutable.primitive.LongHashSet;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.alloc.PoolFullException;
import io.regionpm.alloc.PoolGeometry;

/**
 * The allocator of one lane held by this process: reserve, publish, cancel and free, with
 * the lane's volatile index ({@link ClassCache} per size class). See docs/format.md,
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
    private final ClassCache[] caches = new ClassCache[SizeClasses.count()];
    private final MutableLongSet reserved = new LongHashSet();
    private final long[] occupied = new long[PoolGeometry.BITMAP_BYTES / 8];

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
        long block = bytes <= SizeClasses.MAX_SMALL ? reserveSmall(SizeClasses.classOf(bytes)) : reserveLarge(bytes);
        reserved.add(block);
        return block;
    }

    private long reserveSmall(int cls) {
        ClassCache c = cache(cls);
        long block = c.take();
        while (block < 0) {
            refill(c, cls);
            block = c.take();
        }
        return block;
    }

    private void refill(ClassCache c, int cls) {
        long sb = c.nextPartial();
        if (sb >= 0) {
            loadShadow(c, sb, true);
            return;
        }
        long hint = record.remoteFreesAcquire();
        if (hint != c.seenRemoteFrees) {
            c.seenRemoteFrees = hint;
            if (rescan(c)) {
                return;
            }
        }
        sb = claimer.claimSmall(cls, lane);
        if (sb < 0 && (services.adoptIdleLanes(this) | releaseEmpties() > 0)) {
            return; // space was found elsewhere: the caller's loop tries again
        }
        if (sb < 0) {
            throw new PoolFullException("pool full: no free " + c.size + "-byte block and no free superblock ("
                    + g.superblockCount() + " superblocks of " + PoolGeometry.SUPERBLOCK_BYTES + " bytes)");
        }
        c.owned.add(sb);
        loadShadow(c, sb, false);
    }

    private long reserveLarge(long bytes) {
        long run = (bytes + PoolGeometry.SUPERBLOCK_BYTES - 1) / PoolGeometry.SUPERBLOCK_BYTES;
        if (run > g.superblockCount()) {
            throw new PoolFullException("pool full: " + bytes + " bytes is larger than the pool's data region ("
                    + g.dataBytes() + " bytes)");
        }
        long head = claimer.claimRun(lane, run);
        if (head < 0 && (services.adoptIdleLanes(this) | releaseEmpties() > 0)) {
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
            returnToCache(b);
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
        freeInternal(pm.getLongAcquire(slot), slot);
    }

    /**
     * Frees a block no pointer in the pool refers to any more (the caller's log makes that
     * atomic with the free).
     *
     * @param block an allocated block
     */
    public void freeBlock(long block) {
        freeInternal(block, LaneRecord.NO_SLOT);
    }

    private void freeInternal(long block, long slot) {
        if (reserved.contains(block)) {
            throw new IllegalStateException("block " + block + " is reserved, not published: cancel it");
        }
        Block b = table.resolveAllocated(block);
        record.writeIntent(LaneRecord.FREE, block, slot, 0);
        int owner = b.owner();
        if (!b.large() && owner != lane && owner >= 0 && owner < lanes.count()) {
            lanes.record(owner).addRemoteFree();
        }
        if (!table.clearBit(b)) {
            record.clearIntent();
            throw new PoolCorruptedException("block " + block + " was freed twice at once");
        }
        storeSlot(slot, 0);
        pm.drain();
        if (b.large()) {
            table.releaseRun(b.superblock(), b.state());
            pm.drain();
        }
        record.clearIntent();
        if (!b.large() && owner == lane) {
            returnToCache(b);
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
        if (slot != LaneRecord.NO_SLOT
                && (slot < g.dataOffset() || slot > g.size() - 8 || (slot & 7) != 0)) {
            throw new PoolCorruptedException("slot " + slot + " is not an aligned word of the data region");
        }
    }

    private void returnToCache(Block b) {
        ClassCache c = cache(b.sizeClass());
        if (c.inCurrent(b.offset())) {
            c.untake(b.offset());
        } else {
            c.addPartial(b.superblock());
        }
    }

    // ---- shadows, rescans, empties -------------------------------------------------------

    private void loadShadow(ClassCache c, long sb, boolean fence) {
        for (int w = 0; w < c.words; w++) {
            occupied[w] = table.bitmapWord(sb, w);
        }
        long base = g.superblockOffset(sb);
        if (fence) {
            lanes.fence(sb, sb + 1, block -> mark(c, base, block));
        }
        reserved.forEach(block -> {
            if (block >= base && block < base + PoolGeometry.SUPERBLOCK_BYTES) {
                mark(c, base, block);
            }
        });
        c.load(sb, base, occupied);
    }

    private void mark(ClassCache c, long base, long block) {
        int index = (int) ((block - base) / c.size);
        if (index < c.blocks) {
            occupied[index >>> 6] |= 1L << index;
        }
    }

    private boolean rescan(ClassCache c) {
        boolean found = false;
        for (int i = 0; i < c.owned.size(); i++) {
            long sb = c.owned.get(i);
            if (sb != c.current && used(sb, c) < c.blocks) {
                c.addPartial(sb);
                found = true;
            }
        }
        return found;
    }

    private int used(long sb, ClassCache c) {
        int used = 0;
        for (int w = 0; w < c.words; w++) {
            used += Long.bitCount(table.bitmapWord(sb, w));
        }
        return used;
    }

    /**
     * Releases this lane's empty SMALL superblocks (no bit set, nothing reserved, no free
     * in flight) to FREE, so that any lane and size class can use them.
     *
     * @return how many were released
     */
    public int releaseEmpties() {
        LongHashSet candidates = new LongHashSet();
        for (ClassCache c : caches) {
            if (c != null) {
                c.owned.forEach(sb -> {
                    if (table.bitmapEmpty(sb) && !hasReservation(sb)) {
                        candidates.add(sb);
                    }
                });
            }
        }
        if (candidates.isEmpty()) {
            return 0;
        }
        LongHashSet busy = new LongHashSet();
        lanes.fence(0, g.superblockCount(), block -> busy.add(g.superblockOf(block)));
        int released = 0;
        for (long sb : candidates.toArray()) {
            long state = table.state(sb);
            if (!busy.contains(sb) && table.compareAndSetState(sb, state, SuperblockState.FREE)) {
                cache(SuperblockState.sizeClass(state)).forget(sb);
                released++;
            }
        }
        pm.drain();
        return released;
    }

    private boolean hasReservation(long sb) {
        long base = g.superblockOffset(sb);
        return reserved.anySatisfy(b -> b >= base && b < base + PoolGeometry.SUPERBLOCK_BYTES);
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
        boolean replayed = new IntentReplay(table, record).replay();
        for (long sb = 0; sb < g.superblockCount(); sb++) {
            long state = table.state(sb);
            if (SuperblockState.owner(state) == lane) {
                indexOwned(sb, state);
            }
        }
        pm.drain();
        return replayed;
    }

    /**
     * Adds one superblock this lane owns to the index (also used when adopting).
     *
     * @param sb    superblock
     * @param state its state
     */
    public void indexOwned(long sb, long state) {
        switch (SuperblockState.kind(state)) {
            case SuperblockState.KIND_SMALL -> {
                int cls = SuperblockState.sizeClass(state);
                if (cls >= SizeClasses.count()) {
                    throw new PoolCorruptedException("superblock " + sb + ": " + SuperblockState.describe(state));
                }
                ClassCache c = cache(cls);
                c.owned.add(sb);
                if (used(sb, c) < c.blocks) {
                    c.addPartial(sb);
                }
            }
            case SuperblockState.KIND_HEAD -> {
                if (!table.isSet(table.resolve(g.superblockOffset(sb)))) {
                    table.releaseRun(sb, state);
                }
            }
            case SuperblockState.KIND_TAIL -> releaseOrphanTail(sb, state);
            default -> throw new PoolCorruptedException("superblock " + sb + ": " + SuperblockState.describe(state));
        }
    }

    private void releaseOrphanTail(long sb, long state) {
        long distance = SuperblockState.run(state);
        long head = sb - distance;
        long hs = head >= 0 && distance > 0 ? table.state(head) : SuperblockState.FREE;
        boolean attached = SuperblockState.kind(hs) == SuperblockState.KIND_HEAD
                && SuperblockState.owner(hs) == lane && SuperblockState.run(hs) > distance;
        if (!attached) {
            table.compareAndSetState(sb, state, SuperblockState.FREE);
        }
    }

    private ClassCache cache(int cls) {
        ClassCache c = caches[cls];
        if (c == null) {
            c = new ClassCache(cls);
            caches[cls] = c;
        }
        return c;
    }
}
