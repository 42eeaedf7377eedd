package io.regionpm.recovery;

import java.util.function.Consumer;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolException;
import io.regionpm.alloc.PoolGeometry;
import io.regionpm.recovery.check.Problems;
import io.regionpm.recovery.log.TornbitLog;

/**
 * The pool checker's check of the lane logs: every lane's log region is either unused (zero
 * magic) or a valid tornbit log of the right capacity with a valid head word, and its commit
 * bookkeeping is consistent (free progress never names a commit newer than the lane's last).
 * Reads only.
 *
 * <p>Thread-safety: stateless between calls.
 */
final class LaneLogCheck implements Consumer<Problems> {
    private final PersistentMemory pm;
    private final PoolGeometry g;

    LaneLogCheck(PersistentMemory pm, PoolGeometry g) {
        this.pm = pm;
        this.g = g;
    }

    @Override
    public void accept(Problems problems) {
        for (int lane = 0; lane < g.laneCount(); lane++) {
            long at = g.laneLogOffset(lane);
            long progressSequence = pm.getLong(at + LaneLog.PROGRESS) >>> LaneLog.FREE_COUNT_BITS;
            long last = pm.getLong(at + LaneLog.LAST_SEQUENCE);
            if (progressSequence > last) {
                problems.add("lane " + lane + ": free progress names commit " + progressSequence
                        + " but the lane's last commit is " + last);
            }
            if (pm.getLong(at + LaneLog.LOG) == 0) {
                continue;
            }
            try {
                TornbitLog.open(pm, at + LaneLog.LOG, g.laneLogBytes() - LaneLog.LOG);
            } catch (PoolException e) {
                problems.add("lane " + lane + ": transaction log: " + e.getMessage());
            }
        }
    }
}
