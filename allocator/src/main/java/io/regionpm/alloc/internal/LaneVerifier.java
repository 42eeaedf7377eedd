package io.regionpm.alloc.internal;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.alloc.PoolGeometry;
import io.regionpm.alloc.ProcessToken;

/**
 * Checks one lane record (docs/format.md, "Lane record"): the owner token is 0 or names a
 * pid and a start time that is not in the future; a valid intent has a known op and names a
 * block in the data region and an acceptable slot. A valid intent is reported even when it is
 * well-formed: on a quiescent pool it means a dead owner's operation that recovery has not
 * redone yet, and until then the bitmaps are not the whole truth.
 *
 * <p>Thread-safety: reads only, safe. Process-safety: meant for a quiescent pool; an
 * operation in flight in another process shows up as a pending intent. Crash behaviour:
 * changes nothing.
 */
public final class LaneVerifier {
    /** How far in the future a start time may be (clock adjustments between processes). */
    private static final long CLOCK_SLACK_MS = TimeUnit.DAYS.toMillis(1);
    private final LaneTable lanes;
    private final PoolGeometry g;

    /** @param lanes the lane table @param geometry the pool's layout */
    public LaneVerifier(LaneTable lanes, PoolGeometry geometry) {
        this.lanes = lanes;
        this.g = geometry;
    }

    /**
     * Checks one lane, reporting each problem as a message naming it.
     *
     * @param lane   the lane index
     * @param nowMs  the current time in ms since the epoch
     * @param out    receives the problems
     */
    public void verify(int lane, long nowMs, Consumer<String> out) {
        LaneRecord r = lanes.record(lane);
        long owner = r.ownerAcquire();
        if (owner != 0 && (ProcessToken.pid(owner) == 0 || ProcessToken.startMillis(owner) > nowMs + CLOCK_SLACK_MS)) {
            out.accept("lane " + lane + ": malformed owner token 0x" + Long.toHexString(owner) + " (pid "
                    + ProcessToken.pid(owner) + ", start time " + ProcessToken.startMillis(owner) + " ms)");
        }
        int op;
        try {
            op = r.validOp();
        } catch (PoolCorruptedException e) {
            out.accept(e.getMessage());
            return;
        }
        if (op != LaneRecord.NONE) {
            verifyIntent(r, op == LaneRecord.ALLOC ? "ALLOC" : "FREE", out);
        }
    }

    private void verifyIntent(LaneRecord r, String op, Consumer<String> out) {
        long block = r.block();
        long slot = r.slot();
        String intent = "lane " + r.lane() + ": valid " + op + " intent (block " + block + ", slot " + slot + ")";
        if (g.superblockOf(block) < 0 || (block & 7) != 0) {
            out.accept(intent + " names a block outside the data region or misaligned");
        } else if (!LaneRecord.isValidSlot(g, slot)) {
            out.accept(intent + " names a slot outside the data region or misaligned");
        } else {
            out.accept(intent + " is pending: its operation is in flight or its owner died; recover dead lanes"
                    + " (Heap.recoverDeadLanes) before trusting or repairing leaks");
        }
    }
}
