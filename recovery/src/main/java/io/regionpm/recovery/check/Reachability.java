package io.regionpm.recovery.check;

import org.eclipse.collections.api.list.primitive.LongList;
import org.eclipse.collections.api.list.primitive.MutableLongList;
import org.eclipse.collections.api.set.primitive.MutableLongSet;
import org.eclipse.collections.impl.list.mutable.primitive.LongArrayList;
import org.eclipse.collections.impl.set.mutable.primitive.LongHashSet;

import io.regionpm.alloc.HeapVerifier;

/**
 * The checker's side of the walk: validates every reported pointer, keeps the set of blocks
 * reached (a primitive set, one entry per reachable block) and records dangling references
 * (the first {@value #MAX_DANGLING_LISTED}, all counted).
 *
 * <p>Thread-safety: not thread-safe; one walk on one thread.
 */
final class Reachability implements ReferenceSink {
    /** Progress phase of the walk. */
    static final String PHASE = "walk";
    /** Dangling references kept (all are counted). */
    static final int MAX_DANGLING_LISTED = 1 << 20;
    private static final int PROGRESS_INTERVAL = 4096;
    private final HeapVerifier heap;
    private final ProgressListener progress;
    private final long allocated;
    private final MutableLongSet reached = new LongHashSet();
    private final MutableLongList danglingSlots = new LongArrayList();
    private final MutableLongList danglingTargets = new LongArrayList();
    private long danglingCount;
    private long reachedBytes;

    /**
     * @param heap      answers which offsets are allocated blocks
     * @param progress  receives {@link #PHASE} reports
     * @param allocated how many blocks are allocated, the walk's total for progress
     */
    Reachability(HeapVerifier heap, ProgressListener progress, long allocated) {
        this.heap = heap;
        this.progress = progress;
        this.allocated = allocated;
    }

    @Override
    public boolean visit(long slot, long target) {
        if (target == 0 || reached.contains(target)) {
            return false;
        }
        long size = heap.allocatedSize(target);
        if (size < 0) {
            danglingCount++;
            if (danglingSlots.size() < MAX_DANGLING_LISTED) {
                danglingSlots.add(slot);
                danglingTargets.add(target);
            }
            return false;
        }
        add(target, size);
        return true;
    }

    /** Marks the allocated block holding a root word, if any, as reachable. */
    void reachContaining(long slot) {
        long block = heap.allocatedBlockContaining(slot);
        if (block >= 0 && !reached.contains(block)) {
            add(block, heap.allocatedSize(block));
        }
    }

    private void add(long block, long size) {
        reached.add(block);
        reachedBytes += size;
        if (reached.size() % PROGRESS_INTERVAL == 0) {
            progress.progress(PHASE, reached.size(), allocated);
        }
    }

    void started() {
        progress.progress(PHASE, 0, allocated);
    }

    void finished() {
        progress.progress(PHASE, reached.size(), allocated);
    }

    boolean isReached(long block) {
        return reached.contains(block);
    }

    long reachedBlocks() {
        return reached.size();
    }

    long reachedBytes() {
        return reachedBytes;
    }

    long danglingCount() {
        return danglingCount;
    }

    LongList danglingSlots() {
        return danglingSlots.toImmutable();
    }

    LongList danglingTargets() {
        return danglingTargets.toImmutable();
    }
}
