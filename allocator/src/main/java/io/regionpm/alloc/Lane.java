package io.regionpm.alloc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import io.regionpm.alloc.internal.LaneAllocator;
import io.regionpm.alloc.internal.LaneRecord;

/**
 * A lane held by one thread for the length of an operation: the allocator's entry point.
 * Obtain one with {@link Heap#acquireLane()} and close it when the operation is done
 * (try-with-resources). Reservations do not outlive the hold: {@link #close()} cancels
 * any left.
 *
 * <p>Allocation is two steps. {@link #reserve} picks a block and changes no allocation
 * state in the pool; the caller fills and flushes it. {@link #publish} then makes it
 * allocated atomically with storing its offset into the caller's slot, through the lane's
 * intent record: after a crash at any instant either both happened or neither, so nothing
 * leaks and nothing is handed out twice. {@link #free} is the reverse.
 *
 * <p>Thread-safety: only the thread that acquired the lane may use it. Process-safety: many
 * processes allocate and free at once; each lane allocates only from superblocks it owns.
 * Crash behaviour: see docs/format.md, "Allocation protocol".
 */
public final class Lane implements AutoCloseable {
    /** The slot argument meaning "no slot". */
    public static final long NO_SLOT = LaneRecord.NO_SLOT;

    private final Heap heap;
    private final LaneAllocator allocator;
    private final LaneRepair repair;
    private static final VarHandle BUSY;
    private static final VarHandle QUEUED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            BUSY = lookup.findVarHandle(Lane.class, "busy", int.class);
            QUEUED = lookup.findVarHandle(Lane.class, "queued", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Thread holder;
    private Object attachment;
    /** 1 while a thread of this process holds the lane: whoever sets it (CAS) holds it. */
    @SuppressWarnings("unused") // through BUSY
    private volatile int busy;
    /** 1 while the lane is (about to be) in the heap's idle queue, so it is queued at most once. */
    @SuppressWarnings("unused") // through QUEUED
    private volatile int queued;

    Lane(Heap heap, LaneAllocator allocator) {
        this.heap = heap;
        this.allocator = allocator;
        this.repair = new LaneRepair(allocator);
    }

    /**
     * State a layer above keeps for as long as this process holds the lane (the lane's
     * transaction log, for instance); dropped when the lane is handed back to the pool, so a
     * new claim of the same lane starts without it.
     *
     * @return what was attached, or null
     */
    public Object attachment() {
        check();
        return attachment;
    }

    /** @param value what to keep with the lane while this process holds it */
    public void attach(Object value) {
        check();
        attachment = value;
    }

    /** @return the lane's index in the pool's lane table */
    public int index() {
        return allocator.lane();
    }

    /**
     * Takes the lane for the calling thread if nobody in this process holds it.
     *
     * @return whether the caller now holds it
     */
    boolean tryEnter() {
        if ((int) BUSY.getVolatile(this) != 0 || !BUSY.compareAndSet(this, 0, 1)) {
            return false;
        }
        holder = Thread.currentThread();
        return true;
    }

    /** Lets go of the lane (the holder only); another thread may take it at once. */
    void exit() {
        holder = null;
        BUSY.setVolatile(this, 0);
    }

    /** @return true if the caller must put the lane in the idle queue (it was not there) */
    boolean markQueued() {
        return (int) QUEUED.getVolatile(this) == 0 && QUEUED.compareAndSet(this, 0, 1);
    }

    /** After the lane was taken out of the idle queue. */
    void unmarkQueued() {
        QUEUED.setVolatile(this, 0);
    }

    LaneAllocator allocator() {
        return allocator;
    }

    /**
     * Reserves a block of at least {@code bytes}, 8-byte aligned.
     *
     * @param bytes size, at least 1
     * @return the block's pool offset
     * @throws PoolFullException if nothing fits (nothing changed)
     */
    public long reserve(long bytes) {
        check();
        return allocator.reserve(bytes);
    }

    /**
     * Publishes a reserved block: allocated, and its offset stored in {@code slot},
     * atomically and (on durable back ends) durably. Drains first, so data the caller
     * flushed into the block is durable before the slot points at it.
     *
     * @param block a block reserved through this lane
     * @param slot  an 8-byte aligned word in the data region that no other thread sees
     *              until this returns, or {@link #NO_SLOT}
     */
    public void publish(long block, long slot) {
        check();
        allocator.publish(block, slot);
    }

    /**
     * Makes a reserved block allocated without the lane's intent, for a caller whose durable
     * commit record says so and who redoes it after a crash with
     * {@link LaneRepair#redoPublish}: sets and flushes the block's bit; the caller drains.
     *
     * @param block a block reserved through this lane
     */
    public void publishCommitted(long block) {
        check();
        allocator.publishCommitted(block);
    }

    /** @return the repair operations (frees with a progress slot) for this lane's log */
    public LaneRepair repair() {
        check();
        return repair;
    }

    /**
     * Cancels a reservation.
     *
     * @param block a block reserved through this lane
     */
    public void cancel(long block) {
        check();
        allocator.cancel(block);
    }

    /**
     * {@link #reserve} then {@link #publish} (a zero-filled block is not guaranteed).
     *
     * @param bytes size
     * @param slot  where to store the offset, or {@link #NO_SLOT}
     * @return the block's offset
     */
    public long allocate(long bytes, long slot) {
        long block = reserve(bytes);
        try {
            allocator.publish(block, slot);
        } catch (RuntimeException e) {
            if (allocator.isReserved(block)) {
                allocator.cancel(block);
            }
            throw e;
        }
        return block;
    }

    /**
     * Frees the block {@code slot} points at and stores 0 in the slot, atomically.
     *
     * @param slot an 8-byte aligned word in the data region, held exclusively by the caller
     * @throws PoolCorruptedException if the slot does not hold an allocated block's offset
     */
    public void free(long slot) {
        check();
        allocator.free(slot);
    }

    /**
     * Frees a block to which no pointer in the pool refers any more.
     *
     * @param block an allocated block's offset
     * @throws PoolCorruptedException if it is not an allocated block
     */
    public void freeBlock(long block) {
        check();
        allocator.freeBlock(block);
    }

    /** Cancels any reservation left and hands the lane back to the heap. */
    @Override
    public void close() {
        if (holder != Thread.currentThread()) {
            throw new IllegalStateException("lane " + index() + " is not held by this thread");
        }
        heap.handBack(this);
    }

    private void check() {
        if (holder != Thread.currentThread()) {
            throw new IllegalStateException("lane " + index() + " is not held by this thread");
        }
        heap.checkOpen();
    }
}
