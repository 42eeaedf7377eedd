package io.regionpm.recovery;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.alloc.PoolGeometry;
import io.regionpm.recovery.log.RecordLog;

/**
 * A lane's log as this process uses it while it holds the lane: kept as the lane's
 * attachment, so it is opened once per claim.
 *
 * @param space   the lane's log space
 * @param log     its transaction log, recovered and empty between transactions
 * @param scratch a record buffer of the log's longest record, reused by every transaction
 */
record TxLane(LaneLog space, RecordLog log, long[] scratch) {

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
        return new TxLane(space, log, new long[log.maxRecordWords()]);
    }
}
