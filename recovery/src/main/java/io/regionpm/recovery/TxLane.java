package io.regionpm.recovery;

import io.regionpm.alloc.Lane;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.alloc.PoolGeometry;
import io.regionpm.recovery.log.RecordLog;

/**
 * A lane's log as this process uses it while it holds the lane: kept as the lane's
 * attachment, so it is opened once per claim.
 *
 * <p>Thread-safety: used by the lane's holder only.
 */
final class TxLane {
    private final LaneLog space;
    private final RecordLog log;
    private final long[] scratch;
    private int limboEntries;
    private int limboMask;
    private long limboOldestTag = Long.MAX_VALUE;
    private boolean limboKnown;
    private Transaction last;

    private TxLane(LaneLog space, RecordLog log, int limboEntries) {
        this.space = space;
        this.log = log;
        this.scratch = new long[log.maxRecordWords()];
        this.limboEntries = limboEntries;
    }

    /**
     * Opens the log of a lane this process just claimed; a dead holder's log was already
     * replayed by {@link TxReplay} during the claim, so it must be empty.
     */
    static TxLane open(PersistentMemory pm, PoolGeometry g, int lane) {
        LaneLog space = new LaneLog(pm, g, lane);
        TxRecords.Collected left = new TxRecords.Collected();
        RecordLog log = space.open(left);
        if (left.records() != 0) {
            throw new PoolCorruptedException("lane " + lane + " was handed back with " + left.records()
                    + " records in its transaction log");
        }
        int occupied = pm.getLong(space.overflowHead()) != 0 ? LaneLog.LIMBO_ENTRIES : 0;
        for (int i = 0; i < LaneLog.LIMBO_ENTRIES && occupied == 0; i++) {
            occupied += pm.getLong(space.limboEntry(i)) != 0 ? 1 : 0;
        }
        return new TxLane(space, log, occupied);
    }

    /** @return the lane's log space */
    LaneLog space() {
        return space;
    }

    /** @return its transaction log, recovered and empty between transactions */
    RecordLog log() {
        return log;
    }

    /** @return a record buffer of the log's longest record, reused by every transaction */
    long[] scratch() {
        return scratch;
    }

    /** @return how many limbo entries were occupied after the last commit (a hint: non-zero means "settle the limbo") */
    int limboEntries() {
        return limboEntries;
    }

    /** Sets the occupancy hint (non-zero: the next commit settles the limbo). */
    void limboEntries(int n) {
        limboEntries = n;
    }

    /** After an abort: what the entries hold is unknown, so the next commit reads every entry. */
    void forgetLimbo() {
        limboEntries = LaneLog.LIMBO_ENTRIES;
        limboKnown = false;
    }

    /**
     * What the last settle left in the entries, if it is known (see {@link #limboKnown()}):
     * bit i set if entry i holds a block.
     *
     * @return the occupancy mask
     */
    int limboMask() {
        return limboMask;
    }

    /** @return the smallest tag among the occupied entries (Long.MAX_VALUE if none) */
    long limboOldestTag() {
        return limboOldestTag;
    }

    /** @return whether {@link #limboMask()} and {@link #limboOldestTag()} describe the entries */
    boolean limboKnown() {
        return limboKnown;
    }

    /** Records what a settle left in the entries (it becomes durable with that commit). */
    void limboState(int mask, long oldestTag) {
        limboMask = mask;
        limboOldestTag = oldestTag;
        limboKnown = true;
    }

    /**
     * @param runtime the runtime
     * @param lane    the allocator lane this transaction lane belongs to
     * @return a new transaction in this lane (the lane's previous, ended one made new again)
     */
    Transaction begin(PoolRuntime runtime, Lane lane) {
        last = last == null ? new Transaction(runtime, lane, this) : last.reuse();
        return last;
    }
}
