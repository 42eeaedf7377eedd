package io.regionpm.alloc;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

import org.eclipse.collections.api.block.procedure.primitive.LongProcedure;

import io.regionpm.alloc.internal.LaneAllocator;
import io.regionpm.alloc.internal.LaneIndex;
import io.regionpm.alloc.internal.LaneRecord;
import io.regionpm.alloc.internal.LaneServices;
import io.regionpm.alloc.internal.LaneTable;
import io.regionpm.alloc.internal.SizeClasses;
import io.regionpm.alloc.internal.SuperblockClaimer;
import io.regionpm.alloc.internal.SuperblockState;
import io.regionpm.alloc.internal.SuperblockTable;

/**
 * The superblock-bitmap allocator of one pool, as seen from this process: hands out
 * {@link Lane}s, through which threads reserve, publish and free blocks.
 *
 * <p>Lanes are claimed in the pool's lane table with a compare-and-set of the owner token
 * (pid and process start time) and kept by this process until {@link #close()}. Claiming a
 * lane whose owner died (or was never released) recovers it first: its intent is redone
 * and its index rebuilt from the bitmaps, which are the truth. Nothing is recovered on
 * attach: opening costs nothing in proportion to the pool's size.
 *
 * <p>Thread-safety: safe; each lane is used by one thread at a time. Process-safety: any
 * number of processes may attach to the same pool at once. Crash behaviour: after a crash
 * of any process or a power loss at any instant, no block is both free and referenced and
 * none is leaked (docs/format.md, "Allocation protocol").
 */
public final class Heap implements AutoCloseable {
    private static final Duration LANE_WAIT = Duration.ofSeconds(30);
    /** The table number of lanes in {@link LocalClaims}. */
    public static final int LANE_TABLE = 1;

    private static final int HINTS = 64;

    private final PersistentMemory pm;
    private final PoolDescriptor descriptor;
    private final PoolGeometry g;
    private final SuperblockTable table;
    private final LaneTable lanes;
    private final SuperblockClaimer claimer;
    private final Object storage;
    private final long token = ProcessToken.current();
    private final Lane[] claimed;
    private final ConcurrentLinkedQueue<Lane> idle = new ConcurrentLinkedQueue<>();
    /** Per thread (by thread id, shared on collision): the lane it held last, tried first. */
    private final AtomicReferenceArray<Lane> hints = new AtomicReferenceArray<>(HINTS);
    private final AtomicInteger recoveries = new AtomicInteger();
    private final AtomicInteger laneRecoveries = new AtomicInteger();
    private final LaneRecovery recovery;
    private final LaneServices services = new LaneServices() {
        @Override
        public boolean adoptIdleLanes(LaneIndex into) {
            return Heap.this.adoptIdleLanes(into);
        }

        @Override
        public void releaseIfOrphaned(long superblock, int owner) {
            Heap.this.releaseIfOrphaned(superblock, owner);
        }
    };
    private volatile boolean closed;

    private Heap(PersistentMemory pm, PoolDescriptor descriptor, LaneRecovery recovery) {
        this.pm = pm;
        this.recovery = recovery;
        this.descriptor = descriptor;
        this.g = descriptor.geometry();
        this.table = new SuperblockTable(pm, g);
        this.lanes = new LaneTable(pm, g);
        this.claimer = new SuperblockClaimer(table, lanes);
        this.storage = LocalClaims.storageKey(pm);
        this.claimed = new Lane[g.laneCount()];
    }

    /**
     * Attaches to a pool held in memory (a mapped file or a simulator), validating its
     * header first.
     *
     * @param pm     the pool's bytes
     * @param source a name for messages
     * @return the heap
     * @throws PoolFormatException if the header is invalid
     */
    public static Heap attach(PersistentMemory pm, String source) {
        return attach(pm, source, LaneRecovery.NONE);
    }

    /**
     * Attaches to a pool held in memory with a layer above that keeps logs in the lanes.
     *
     * @param pm       the pool's bytes
     * @param source   a name for messages
     * @param recovery replays a dead lane's log when the lane is taken
     * @return the heap
     * @throws PoolFormatException if the header is invalid
     */
    public static Heap attach(PersistentMemory pm, String source, LaneRecovery recovery) {
        long headerBytes = Math.min(pm.size(), PoolGeometry.HEADER_BYTES);
        PoolDescriptor d = PoolHeader.validate(pm.readOnlySlice(0, headerBytes), pm.size(), source);
        return new Heap(pm, d, recovery);
    }

    /**
     * @param file a mapped pool file
     * @return the heap over it
     */
    public static Heap attach(PoolFile file) {
        return attach(file, LaneRecovery.NONE);
    }

    /**
     * @param file     a mapped pool file
     * @param recovery replays a dead lane's log when the lane is taken
     * @return the heap over it
     */
    public static Heap attach(PoolFile file, LaneRecovery recovery) {
        return new Heap(file.memory(), file.descriptor(), recovery);
    }

    /** @return the pool's memory */
    public PersistentMemory memory() {
        return pm;
    }

    /** @return what the pool's header says */
    public PoolDescriptor descriptor() {
        return descriptor;
    }

    /** @return how many lanes this heap recovered (found with a valid intent) */
    public int recoveries() {
        return recoveries.get();
    }

    /** @return how many lanes of dead holders this heap took over and recovered */
    public int laneRecoveries() {
        return laneRecoveries.get();
    }

    /**
     * Takes a lane for the calling thread: one this process already holds if idle, else a
     * new one claimed in the pool (recovering it if its owner died). Waits up to 30 s when
     * every lane is busy.
     *
     * @return the lane, to be closed when the operation ends
     * @throws PoolException if no lane becomes free in time
     */
    public Lane acquireLane() {
        checkOpen();
        int hint = (int) Thread.currentThread().threadId() & HINTS - 1;
        Lane last = hints.getAcquire(hint);
        if (last != null && last.tryEnter()) {
            return last;
        }
        long deadline = System.nanoTime() + LANE_WAIT.toNanos();
        long pause = 1_000;
        while (true) {
            Lane lane = takeIdleLane();
            if (lane == null) {
                lane = claimNewLane();
                if (lane != null && !lane.tryEnter()) {
                    throw new IllegalStateException("a newly claimed lane " + lane.index() + " is busy");
                }
            }
            if (lane != null) {
                hints.setRelease(hint, lane);
                return lane;
            }
            if (System.nanoTime() > deadline) {
                throw new PoolException("no free lane: all " + g.laneCount() + " lanes are held");
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(10));
            checkOpen();
        }
    }

    /**
     * Takes a lane out of the idle queue and enters it; a queued lane that a thread took
     * through its hint meanwhile is skipped (its holder queues it again when done).
     *
     * @return the lane, held, or null if the queue is empty
     */
    private Lane takeIdleLane() {
        for (Lane lane = idle.poll(); lane != null; lane = idle.poll()) {
            lane.unmarkQueued();
            if (lane.tryEnter()) {
                return lane;
            }
        }
        return null;
    }

    /**
     * A holder lets go of its lane: it stays this process's, idle, in the queue (and in the
     * holder thread's hint slot, so that thread takes it again without touching the queue).
     * The handshake with {@link #takeIdleLane} (each side stores its flag, then reads the
     * other's, both volatile) makes sure an idle lane is never out of the queue for good.
     * On a closed heap the lane goes back to the pool, released by whoever enters it first
     * (this thread or {@link #close}).
     */
    void handBack(Lane lane) {
        lane.exit();
        if (closed) {
            if (lane.tryEnter()) {
                release(lane);
            }
        } else if (lane.markQueued()) {
            idle.offer(lane);
        }
    }

    void checkOpen() {
        if (closed) {
            throw new PoolClosedException("the heap of pool " + descriptor.uuid() + " is closed");
        }
    }

    private Lane claimNewLane() {
        int n = g.laneCount();
        int start = (int) (ProcessToken.pid(token) % n);
        for (int i = 0; i < n; i++) {
            int index = (start + i) % n;
            LaneAllocator a = claimAndRecover(index);
            if (a != null) {
                return keep(a);
            }
        }
        return null;
    }

    private synchronized Lane keep(LaneAllocator allocator) {
        Lane lane = new Lane(this, allocator);
        claimed[allocator.lane()] = lane;
        return lane;
    }

    /**
     * Claims a lane that is free or whose holder is dead, recovering it (the intent, the
     * layer above's log through {@link LaneRecovery}, the index). A dead holder's lane is
     * claimed and recovered inside {@link LaneRecovery#serialize}.
     *
     * @return the lane's allocator, or null if the lane is taken
     */
    private LaneAllocator claimAndRecover(int index) {
        long owner = lanes.record(index).ownerAcquire();
        if (owner == 0) {
            synchronized (this) {
                return claimed[index] == null && tryClaim(index) ? recovered(index, false) : null;
            }
        }
        if (!isStale(owner)) {
            return null;
        }
        LaneAllocator[] result = {null};
        recovery.serialize(() -> {
            synchronized (this) {
                if (claimed[index] == null && tryClaim(index)) {
                    result[0] = recovered(index, true);
                }
            }
        });
        return result[0];
    }

    private LaneAllocator recovered(int index, boolean deadHolder) {
        LaneAllocator allocator = newAllocator(index);
        try {
            boolean redone = allocator.recoverAndIndex(deadHolder ? a -> recovery.recover(index, new LaneRepair(a)) : null);
            if (redone) {
                recoveries.incrementAndGet();
            }
            if (deadHolder) {
                laneRecoveries.incrementAndGet();
            }
            return allocator;
        } catch (RuntimeException e) {
            releaseOwnership(index);
            throw e;
        }
    }

    private LaneAllocator newAllocator(int index) {
        return new LaneAllocator(index, table, lanes, claimer, services);
    }

    private boolean isStale(long owner) {
        return owner == 0 || owner == token || !ProcessToken.isProcessAlive(owner);
    }

    private boolean tryClaim(int index) {
        LaneRecord r = lanes.record(index);
        long owner = r.ownerAcquire();
        if (!isStale(owner) || !LocalClaims.hold(storage, LANE_TABLE, index)) {
            return false;
        }
        if (owner == token || r.compareAndSetOwner(owner, token)) {
            pm.drain();
            return true;
        }
        LocalClaims.release(storage, LANE_TABLE, index);
        return false;
    }

    /**
     * Recovers every lane whose holder is dead (or that an abandoned heap of this JVM left),
     * then hands it back to the pool: intents are redone, the layer above's logs replayed,
     * orphaned large reservations released. Lanes are otherwise recovered lazily, when
     * claimed. When this returns, every lane that was dead when it started has been
     * recovered, by this call or by another process.
     *
     * @return how many lanes had an intent to redo
     */
    public int recoverDeadLanes() {
        checkOpen();
        int redone = 0;
        for (int m = 0; m < g.laneCount(); m++) {
            long owner = lanes.record(m).ownerAcquire();
            if (owner == 0 || !isStale(owner)) {
                continue;
            }
            int before = recoveries.get();
            LaneAllocator dead = claimAndRecover(m);
            if (dead != null) {
                redone += recoveries.get() - before;
                synchronized (this) {
                    dead.releaseEmpties();
                    releaseOwnership(m);
                }
            }
        }
        return redone;
    }

    /**
     * The lanes whose holder is gone: held by a process that is no longer alive, or by an
     * abandoned heap of this JVM (one that holds no claim here any more). Such a lane may
     * hold an operation in flight that only its recovery (a write) completes or undoes.
     * Reads only: usable on a read-only mapping.
     *
     * <p>Thread- and process-safety: a snapshot of the lane table; a lane may die or be
     * recovered right after it is read.
     *
     * @return the lane indexes, ascending (empty when every held lane has a live holder)
     */
    public int[] lanesOfDeadHolders() {
        int[] dead = new int[g.laneCount()];
        int n = 0;
        for (int m = 0; m < g.laneCount(); m++) {
            long owner = lanes.record(m).ownerAcquire();
            boolean gone = owner == token ? !LocalClaims.isHeld(storage, LANE_TABLE, m)
                    : owner != 0 && !ProcessToken.isProcessAlive(owner);
            if (gone) {
                dead[n++] = m;
            }
        }
        return Arrays.copyOf(dead, n);
    }

    /**
     * Whether a lane's record holds a valid allocator intent (an allocation or free that its
     * recovery would redo). Reads only.
     *
     * @param lane a lane index
     * @return true if an intent is pending
     */
    public boolean hasIntent(int lane) {
        return lanes.record(lane).validOp() != LaneRecord.NONE;
    }

    /**
     * Takes over the SMALL superblocks of every lane that no live process holds, after
     * recovering that lane; called when the pool looks full.
     */
    private boolean adoptIdleLanes(LaneIndex into) {
        checkOpen();
        boolean adopted = false;
        for (int m = 0; m < g.laneCount(); m++) {
            if (m == into.lane() || !isStale(lanes.record(m).ownerAcquire())) {
                continue;
            }
            LaneAllocator idleLane = claimAndRecover(m);
            if (idleLane != null) {
                synchronized (this) {
                    adopted |= transfer(m, into);
                    releaseOwnership(m);
                }
            }
        }
        return adopted;
    }

    /** Returns an empty superblock of a lane nobody holds to FREE, holding that lane meanwhile. */
    private synchronized void releaseIfOrphaned(long sb, int owner) {
        if (owner < 0 || owner >= g.laneCount() || claimed[owner] != null
                || lanes.record(owner).ownerAcquire() != 0 || !tryClaim(owner)) {
            return;
        }
        long state = table.state(sb);
        if (SuperblockState.kind(state) == SuperblockState.KIND_SMALL && SuperblockState.owner(state) == owner
                && table.bitmapEmpty(sb)) {
            boolean[] busy = {false};
            lanes.fence(sb, sb + 1, block -> busy[0] = true);
            if (!busy[0]) {
                table.compareAndSetState(sb, state, SuperblockState.FREE);
            }
        }
        releaseOwnership(owner);
    }

    private boolean transfer(int from, LaneIndex into) {
        boolean any = false;
        for (long sb = 0; sb < g.superblockCount(); sb++) {
            long state = table.state(sb);
            if (SuperblockState.kind(state) == SuperblockState.KIND_SMALL && SuperblockState.owner(state) == from) {
                long mine = SuperblockState.small(SuperblockState.sizeClass(state), into.lane());
                if (table.compareAndSetState(sb, state, mine)) {
                    into.indexOwned(sb, mine);
                    any = true;
                }
            }
        }
        pm.drain();
        return any;
    }

    private void releaseOwnership(int index) {
        lanes.record(index).compareAndSetOwner(token, 0);
        pm.drain();
        LocalClaims.release(storage, LANE_TABLE, index);
    }

    private synchronized void release(Lane lane) {
        LaneAllocator a = lane.allocator();
        a.cancelAll();
        a.releaseEmpties();
        claimed[a.lane()] = null;
        releaseOwnership(a.lane());
    }

    /**
     * Calls {@code action} with the offset of every allocated (published) block, small and
     * large, in offset order. Walks the state table and bitmaps; not a snapshot.
     *
     * @param action receives block offsets
     */
    public void forEachAllocated(LongProcedure action) {
        for (long sb = 0; sb < g.superblockCount(); sb++) {
            long state = table.state(sb);
            int kind = SuperblockState.kind(state);
            long base = g.superblockOffset(sb);
            if (kind == SuperblockState.KIND_SMALL) {
                int cls = SuperblockState.sizeClass(state);
                if (cls >= SizeClasses.count()) {
                    throw new PoolCorruptedException("superblock " + sb + ": " + SuperblockState.describe(state));
                }
                for (int i = 0; i < SizeClasses.blocks(cls); i++) {
                    if ((table.bitmapWord(sb, i >>> 6) & 1L << i) != 0) {
                        action.value(base + (long) i * SizeClasses.size(cls));
                    }
                }
            } else if (kind == SuperblockState.KIND_HEAD && (table.bitmapWord(sb, 0) & 1) != 0) {
                action.value(base);
            }
        }
    }

    /**
     * @param block an allocated block's offset
     * @return its usable size in bytes
     * @throws PoolCorruptedException if it is not an allocated block
     */
    public long usableSize(long block) {
        return table.resolveAllocated(block).size();
    }

    /** @return occupancy figures, walking the whole table */
    public HeapStats stats() {
        long[] kinds = new long[4];
        for (long sb = 0; sb < g.superblockCount(); sb++) {
            kinds[Math.min(3, SuperblockState.kind(table.state(sb)))]++;
        }
        long[] blocks = new long[2];
        forEachAllocated(b -> {
            blocks[0]++;
            blocks[1] += usableSize(b);
        });
        int held = 0;
        for (Lane l : claimed) {
            held += l != null ? 1 : 0;
        }
        return new HeapStats(g.size(), g.dataBytes(), g.superblockCount(), kinds[0], kinds[1],
                kinds[2] + kinds[3], blocks[0], blocks[1], held);
    }

    /**
     * Hands every idle lane back to the pool (after releasing its empty superblocks).
     * Lanes still held are handed back when their holders close them. Later calls on this
     * heap throw {@link PoolClosedException}. Does not unmap the pool.
     */
    @Override
    public void close() {
        closed = true;
        for (Lane lane = idle.poll(); lane != null; lane = idle.poll()) {
            if (lane.tryEnter()) { // else a thread holds it and releases it when it hands it back
                release(lane);
            }
        }
    }
}
