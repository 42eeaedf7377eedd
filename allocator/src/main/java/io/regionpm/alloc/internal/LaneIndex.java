package io.regionpm.alloc.internal;

import org.eclipse.collections.api.set.primitive.MutableLongSet;
import org.eclipse.collections.impl.set.mutable.primitive.LongHashSet;

import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.alloc.PoolFullException;
import io.regionpm.alloc.PoolGeometry;

/**
 * A lane's volatile index, rebuilt from the pool (the truth) whenever the lane is claimed:
 * per size class the superblocks it owns and a shadow of the current one's bitmap
 * ({@link ClassCache}), and the blocks it holds reserved. It finds free blocks (refilling
 * from partial superblocks, rescans after remote frees, new or adopted superblocks) and
 * returns empty superblocks to FREE. Its size grows with the number of superblocks the lane
 * owns, never with the number of blocks.
 *
 * <p>Thread-safety: used only by the thread holding the lane.
 */
public final class LaneIndex {
    private final int lane;
    private final PoolGeometry g;
    private final SuperblockTable table;
    private final LaneTable lanes;
    private final LaneRecord record;
    private final SuperblockClaimer claimer;
    private final LaneServices services;
    private final ClassCache[] caches = new ClassCache[SizeClasses.count()];
    private final MutableLongSet reserved = new LongHashSet();
    private final long[] occupied = new long[PoolGeometry.BITMAP_BYTES / 8];

    LaneIndex(int lane, SuperblockTable table, LaneTable lanes, SuperblockClaimer claimer, LaneServices services) {
        this.lane = lane;
        this.g = table.geometry();
        this.table = table;
        this.lanes = lanes;
        this.record = lanes.record(lane);
        this.claimer = claimer;
        this.services = services;
    }

    /** @return the lane index */
    public int lane() {
        return lane;
    }

    /** @return the blocks this lane holds reserved (not yet published) */
    MutableLongSet reserved() {
        return reserved;
    }

    /**
     * Takes a free block of a size class, refilling the shadow from the lane's superblocks,
     * a rescan, a new superblock, or adopted ones.
     *
     * @param cls size class
     * @return the block, now marked in the shadow
     * @throws PoolFullException if nothing fits (nothing changed)
     */
    long takeSmall(int cls) {
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

    /** @param b a small block of this lane's superblocks, free again (cancelled or freed) */
    void giveBack(Block b) {
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
    int releaseEmpties() {
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
        table.memory().drain();
        return released;
    }

    private boolean hasReservation(long sb) {
        long base = g.superblockOffset(sb);
        return reserved.anySatisfy(b -> b >= base && b < base + PoolGeometry.SUPERBLOCK_BYTES);
    }

    /** Scans the state table and indexes every superblock this lane owns. */
    void rebuild() {
        for (long sb = 0; sb < g.superblockCount(); sb++) {
            long state = table.state(sb);
            if (SuperblockState.owner(state) == lane) {
                indexOwned(sb, state);
            }
        }
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
