package io.regionpm.alloc;

import java.util.function.Consumer;

import org.eclipse.collections.api.block.procedure.primitive.LongLongProcedure;
import org.eclipse.collections.api.list.primitive.IntList;
import org.eclipse.collections.api.list.primitive.MutableIntList;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

import io.regionpm.alloc.internal.Block;
import io.regionpm.alloc.internal.LaneTable;
import io.regionpm.alloc.internal.LaneVerifier;
import io.regionpm.alloc.internal.SizeClasses;
import io.regionpm.alloc.internal.SuperblockState;
import io.regionpm.alloc.internal.SuperblockTable;
import io.regionpm.alloc.internal.SuperblockVerifier;

/**
 * Verifies a heap's allocator metadata and answers the questions a pool checker asks about
 * offsets read from the pool: is this the start of an allocated block, how large is it,
 * which allocated block contains this word.
 *
 * <p>{@link #verify} checks every superblock state word (a known kind, an existing size
 * class, an owner lane in the lane table, no stray bits), every bitmap (no bit beyond the
 * blocks of a SMALL superblock's class, none in FREE and LARGE_TAIL superblocks, bit 0 only
 * in a LARGE_HEAD), every large run (fits in the pool, followed by exactly its tails, every
 * tail attached to its head) and every lane record (a well-formed owner token; a valid
 * intent, which is reported as pending, naming a block inside the data region). Each problem
 * is one readable message naming the superblock or lane.
 *
 * <p>Nothing here throws on garbage: every offset and state word is validated before use,
 * and a superblock whose state is invalid contributes no allocated blocks.
 *
 * <p>Thread-safety: reads only; safe for concurrent use. Process-safety: meant for a
 * quiescent pool. While other processes allocate or free, the figures are not a snapshot and
 * operations in flight may be reported as problems. Crash behaviour: changes nothing in the
 * pool; a dead lane's unfinished operation is reported until the lane is recovered
 * ({@link Heap#recoverDeadLanes()}).
 */
public final class HeapVerifier {
    /** Progress phase of {@link #verify}: superblocks checked out of all superblocks. */
    public static final String PHASE_SUPERBLOCKS = "superblocks";
    /** Progress phase of {@link #verify}: lane records checked out of all lanes. */
    public static final String PHASE_LANES = "lanes";
    /** Progress phase of {@link #forEachAllocated}: superblocks scanned out of all. */
    public static final String PHASE_ALLOCATED = "allocated blocks";
    /** Progress is reported after every this many superblocks, and at the end. */
    public static final int PROGRESS_INTERVAL = 1024;

    /**
     * Receives progress reports: {@code done} out of {@code total} units of a phase, from
     * {@code (0, total)} to {@code (total, total)}, on the calling thread.
     */
    @FunctionalInterface
    public interface Progress {
        /** Ignores every report. */
        Progress NONE = (phase, done, total) -> {
        };

        /**
         * @param phase what is being done
         * @param done  units done so far
         * @param total units in the phase
         */
        void progress(String phase, long done, long total);
    }

    /**
     * What {@link #verify} found.
     *
     * @param problems        how many problems were reported
     * @param allocatedBlocks blocks allocated in superblocks with a valid state
     * @param allocatedBytes  their usable bytes
     */
    public record Summary(long problems, long allocatedBlocks, long allocatedBytes) {
    }

    private final PoolGeometry g;
    private final SuperblockTable table;
    private final LaneTable lanes;
    private final SuperblockVerifier superblocks;
    private final LaneVerifier laneVerifier;

    /** @param heap the heap whose pool to verify */
    public HeapVerifier(Heap heap) {
        this.g = heap.descriptor().geometry();
        this.table = new SuperblockTable(heap.memory(), g);
        this.lanes = new LaneTable(heap.memory(), g);
        this.superblocks = new SuperblockVerifier(table);
        this.laneVerifier = new LaneVerifier(lanes, g);
    }

    /**
     * Verifies every superblock, then every lane record, reporting progress every
     * {@link #PROGRESS_INTERVAL} superblocks.
     *
     * @param problems receives one message per problem, naming its superblock or lane
     * @param progress receives {@link #PHASE_SUPERBLOCKS} and {@link #PHASE_LANES} reports
     * @return how many problems there were and what is allocated
     */
    public Summary verify(Consumer<String> problems, Progress progress) {
        long[] counts = new long[3];
        Consumer<String> counting = message -> {
            counts[0]++;
            problems.accept(message);
        };
        LongLongProcedure tally = (block, size) -> {
            counts[1]++;
            counts[2] += size;
        };
        long n = g.superblockCount();
        progress.progress(PHASE_SUPERBLOCKS, 0, n);
        for (long sb = 0; sb < n; sb++) {
            superblocks.verify(sb, counting);
            forEachAllocatedIn(sb, tally);
            reportEvery(progress, PHASE_SUPERBLOCKS, sb + 1, n);
        }
        long now = System.currentTimeMillis();
        progress.progress(PHASE_LANES, 0, g.laneCount());
        for (int lane = 0; lane < g.laneCount(); lane++) {
            laneVerifier.verify(lane, now, counting);
        }
        progress.progress(PHASE_LANES, g.laneCount(), g.laneCount());
        return new Summary(counts[0], counts[1], counts[2]);
    }

    /**
     * Calls {@code action} with the offset and usable size of every allocated block (small
     * blocks and large runs), in offset order, skipping superblocks whose state is invalid and
     * bits beyond a class's block count. Not a snapshot.
     *
     * @param action   receives (block offset, usable bytes)
     * @param progress receives {@link #PHASE_ALLOCATED} reports
     */
    public void forEachAllocated(LongLongProcedure action, Progress progress) {
        long n = g.superblockCount();
        progress.progress(PHASE_ALLOCATED, 0, n);
        for (long sb = 0; sb < n; sb++) {
            forEachAllocatedIn(sb, action);
            reportEvery(progress, PHASE_ALLOCATED, sb + 1, n);
        }
    }

    /**
     * @param offset any value, typically read from the pool
     * @return whether it is the start of a published small block or of a published large run
     */
    public boolean isAllocatedBlockStart(long offset) {
        return allocatedSize(offset) >= 0;
    }

    /**
     * @param offset any value, typically read from the pool
     * @return the usable bytes of the allocated block starting there, or -1 if none does
     */
    public long allocatedSize(long offset) {
        Block b = table.find(offset);
        return b != null && table.isSet(b) ? b.size() : -1;
    }

    /**
     * @param offset any value
     * @return the start of the allocated block whose bytes include {@code offset}, or -1
     */
    public long allocatedBlockContaining(long offset) {
        long sb = g.superblockOf(offset);
        if (sb < 0) {
            return -1;
        }
        long state = table.state(sb);
        long start = switch (SuperblockState.kind(state)) {
            case SuperblockState.KIND_SMALL -> SuperblockState.sizeClass(state) < SizeClasses.count()
                    ? offset - (offset - g.superblockOffset(sb)) % SizeClasses.size(SuperblockState.sizeClass(state))
                    : -1;
            case SuperblockState.KIND_HEAD -> g.superblockOffset(sb);
            case SuperblockState.KIND_TAIL -> SuperblockState.run(state) <= sb
                    ? g.superblockOffset(sb - SuperblockState.run(state)) : -1;
            default -> -1;
        };
        long size = start < 0 ? -1 : allocatedSize(start);
        return size >= 0 && offset < start + size ? start : -1;
    }

    /**
     * The lanes whose owner token names another process that is still running: while there
     * are any, the pool is not quiescent and blocks that look leaked may be in use.
     *
     * @return their indexes, ascending
     */
    public IntList lanesHeldByOtherProcesses() {
        MutableIntList held = new IntArrayList();
        long me = ProcessToken.current();
        for (int lane = 0; lane < lanes.count(); lane++) {
            long owner = lanes.record(lane).ownerAcquire();
            if (owner != 0 && owner != me && ProcessToken.pid(owner) != 0 && ProcessToken.isProcessAlive(owner)) {
                held.add(lane);
            }
        }
        return held;
    }

    private void forEachAllocatedIn(long sb, LongLongProcedure action) {
        long state = table.state(sb);
        long base = g.superblockOffset(sb);
        int kind = SuperblockState.kind(state);
        if (kind == SuperblockState.KIND_SMALL && SuperblockState.sizeClass(state) < SizeClasses.count()) {
            int cls = SuperblockState.sizeClass(state);
            int size = SizeClasses.size(cls);
            int blocks = SizeClasses.blocks(cls);
            for (int w = 0; w < SizeClasses.words(cls); w++) {
                for (long bits = table.bitmapWord(sb, w); bits != 0; bits &= bits - 1) {
                    int i = w * 64 + Long.numberOfTrailingZeros(bits);
                    if (i < blocks) {
                        action.value(base + (long) i * size, size);
                    }
                }
            }
        } else if (kind == SuperblockState.KIND_HEAD) {
            long size = allocatedSize(base);
            if (size >= 0) {
                action.value(base, size);
            }
        }
    }

    private static void reportEvery(Progress progress, String phase, long done, long total) {
        if (done % PROGRESS_INTERVAL == 0 || done == total) {
            progress.progress(phase, done, total);
        }
    }
}
