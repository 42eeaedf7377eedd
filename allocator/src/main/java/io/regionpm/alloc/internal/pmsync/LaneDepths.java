package io.regionpm.alloc.internal.pmsync;

/**
 * This process's bookkeeping of entered operations, so that enters nest: per lane, a depth
 * and the thread inside; per thread, how many operations it is inside and how deep its
 * lane-less ones go. Only a thread's outermost enter passes the quiesce barrier (and may
 * wait); an enter while the thread is already inside <em>joins</em> (marks the lane or entry
 * busy without waiting), since a pmsync cannot start its copy while the outer operation is
 * inside anyway, and waiting there would deadlock with it.
 *
 * <p>Thread-safety: a lane is used by one thread at a time (the caller's contract, checked);
 * hand-over of a lane between threads must happen-before, as the lane owner guarantees.
 */
public final class LaneDepths {
    /** What an enter must do at the barrier. */
    public enum Admission {
        /** Already inside this lane (or lane-less operation): nothing. */
        NESTED,
        /** The thread's first operation: pass the barrier, waiting while a pmsync runs. */
        OUTERMOST,
        /** The thread is inside another operation: mark busy without waiting. */
        JOIN
    }

    private static final int INSIDE = 0, UNLANED = 1;
    private final int[] depth;
    private final Thread[] holder;
    private final ThreadLocal<int[]> perThread = ThreadLocal.withInitial(() -> new int[2]);

    /** @param lanes the pool's lane count */
    public LaneDepths(int lanes) {
        this.depth = new int[lanes];
        this.holder = new Thread[lanes];
    }

    /**
     * @param lane a lane
     * @return what to do at the barrier
     * @throws IllegalArgumentException if there is no such lane
     * @throws IllegalStateException if another thread is inside the lane
     */
    public Admission enterLane(int lane) {
        if (lane < 0 || lane >= depth.length) {
            throw new IllegalArgumentException("no lane " + lane + " (the pool has " + depth.length + ")");
        }
        Thread me = Thread.currentThread();
        if (depth[lane] > 0 && holder[lane] != me) {
            throw new IllegalStateException("lane " + lane + " is inside an operation of " + holder[lane]);
        }
        int[] mine = perThread.get();
        mine[INSIDE]++;
        if (depth[lane]++ > 0) {
            return Admission.NESTED;
        }
        holder[lane] = me;
        return mine[INSIDE] == 1 ? Admission.OUTERMOST : Admission.JOIN;
    }

    /**
     * @param lane the lane entered
     * @return whether this was the lane's outermost exit (the barrier must be told)
     * @throws IllegalStateException if this thread is not inside the lane
     */
    public boolean exitLane(int lane) {
        if (lane < 0 || lane >= depth.length || depth[lane] == 0 || holder[lane] != Thread.currentThread()) {
            throw new IllegalStateException("this thread is not inside an operation in lane " + lane);
        }
        perThread.get()[INSIDE]--;
        if (--depth[lane] > 0) {
            return false;
        }
        holder[lane] = null;
        return true;
    }

    /** @return what to do at the barrier for a lane-less operation */
    public Admission enterUnlaned() {
        int[] mine = perThread.get();
        mine[INSIDE]++;
        if (mine[UNLANED]++ > 0) {
            return Admission.NESTED;
        }
        return mine[INSIDE] == 1 ? Admission.OUTERMOST : Admission.JOIN;
    }

    /**
     * @return whether this was the thread's outermost lane-less exit
     * @throws IllegalStateException if the thread is in no lane-less operation
     */
    public boolean exitUnlaned() {
        int[] mine = perThread.get();
        if (mine[UNLANED] == 0) {
            throw new IllegalStateException("this thread is not inside an operation outside lanes");
        }
        mine[INSIDE]--;
        return --mine[UNLANED] == 0;
    }

    /**
     * Forgets every lane still entered (the store is closing) and reports each.
     *
     * @param lane told each lane that was inside an operation
     */
    public void abandonAll(java.util.function.IntConsumer lane) {
        for (int i = 0; i < depth.length; i++) {
            if (depth[i] > 0) {
                depth[i] = 0;
                holder[i] = null;
                lane.accept(i);
            }
        }
    }

    /** @return whether the calling thread is inside any operation */
    public boolean inside() {
        return perThread.get()[INSIDE] > 0;
    }
}
