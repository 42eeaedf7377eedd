package io.regionpm.alloc;

/**
 * What the layer above the allocator (transactions) does when a lane whose holder died is
 * taken: {@link #recover} replays that lane's log through a {@link LaneRepair}, after the
 * allocator redid the lane's own intent and before it rebuilds the lane's index from the
 * bitmaps.
 *
 * <p>{@link #serialize} runs every take-over of a dead lane (the claim and the recovery
 * together) exclusively across all processes, so that a process that finds a dead lane
 * already claimed by someone else knows that its recovery is complete (the robust locks
 * rely on that before they take a lock over from a dead owner).
 *
 * <p>Thread-safety: called by any thread of the process, under the heap's own lock for
 * {@link #recover}. Crash behaviour: a crash during {@code recover} leaves the lane with a
 * dead holder again, so the recovery must be idempotent.
 */
public interface LaneRecovery {
    /** No log above the allocator: nothing to replay, nothing to serialize. */
    LaneRecovery NONE = new LaneRecovery() {
        @Override
        public void recover(int lane, LaneRepair repair) {
        }
    };

    /**
     * Replays what the dead holder of {@code lane} left in its log.
     *
     * @param lane   the lane's index
     * @param repair allocator operations available during the replay
     */
    void recover(int lane, LaneRepair repair);

    /**
     * Runs the claim and recovery of a lane whose holder died, exclusively across processes.
     * The default runs it at once (one process, or no log to replay).
     *
     * @param claimAndRecover the work
     */
    default void serialize(Runnable claimAndRecover) {
        claimAndRecover.run();
    }
}
