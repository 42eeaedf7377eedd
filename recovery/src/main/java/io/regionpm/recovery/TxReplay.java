package io.regionpm.recovery;

import org.eclipse.collections.api.list.primitive.MutableLongList;
import org.eclipse.collections.impl.list.mutable.primitive.LongArrayList;

import io.regionpm.alloc.LaneRepair;
import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.alloc.PoolGeometry;
import io.regionpm.recovery.log.RecordLog;

/**
 * Recovers one lane's transaction log after its holder died: a transaction whose COMMIT
 * record is in the log is redone (REDO writes, allocations, then the frees not yet done),
 * any other is undone (UNDO records restored newest first; its allocations were never
 * published and fall back to the allocator), and the log is truncated. Every step is
 * idempotent, so a crash during recovery is recovered again the same way.
 *
 * <p>Thread-safety: run by the lane's new holder only (under the recovery serialization).
 */
final class TxReplay {
    /** What a replay found. */
    enum Outcome { EMPTY, REDONE, UNDONE }

    private final PersistentMemory pm;
    private final PoolGeometry g;
    private final LaneLog laneLog;

    TxReplay(PersistentMemory pm, PoolGeometry g, int lane) {
        this.pm = pm;
        this.g = g;
        this.laneLog = new LaneLog(pm, g, lane);
    }

    Outcome replay(LaneRepair repair) {
        TxRecords.Collected records = new TxRecords.Collected();
        RecordLog log = laneLog.open(records);
        if (records.records() == 0) {
            return Outcome.EMPTY;
        }
        long sequence = records.committedSequence();
        if (sequence >= 0) {
            redo(records, sequence, repair);
        } else {
            undo(pm, g, records);
        }
        log.truncate();
        return sequence >= 0 ? Outcome.REDONE : Outcome.UNDONE;
    }

    private void redo(TxRecords.Collected records, long sequence, LaneRepair repair) {
        if (sequence > laneLog.lastSequence()) {
            laneLog.setLastSequence(sequence);
        }
        MutableLongList frees = new LongArrayList();
        for (int r = 0; r < records.records() - 1; r++) {
            long head = records.head(r);
            int from = records.start(r) + 1;
            switch (TxRecords.kind(head)) {
                case TxRecords.UNDO -> records.checkShape(r, 1);
                case TxRecords.REDO -> {
                    records.checkShape(r, 1);
                    write(pm, g, records.words, from, TxRecords.count(head), "REDO");
                }
                case TxRecords.ALLOC -> {
                    records.checkShape(r, 0);
                    for (int i = 0; i < TxRecords.count(head); i++) {
                        repair.redoPublish(records.words.get(from + i));
                    }
                }
                case TxRecords.FREE -> {
                    records.checkShape(r, 0);
                    for (int i = 0; i < TxRecords.count(head); i++) {
                        frees.add(records.words.get(from + i));
                    }
                }
                default -> throw new PoolCorruptedException("lane " + laneLog.lane() + ": log record of unknown kind "
                        + TxRecords.kind(head) + " before COMMIT");
            }
        }
        pm.drain();
        for (int i = laneLog.freesDone(sequence); i < frees.size(); i++) {
            repair.free(frees.get(i), laneLog.progressSlot(), LaneLog.progress(sequence, i + 1));
        }
    }

    /**
     * Restores every UNDO record, newest first, and drains (used by recovery and abort).
     *
     * @param records the records of one transaction
     */
    static void undo(PersistentMemory pm, PoolGeometry g, TxRecords.Collected records) {
        for (int r = records.records() - 1; r >= 0; r--) {
            long head = records.head(r);
            if (TxRecords.kind(head) == TxRecords.UNDO) {
                records.checkShape(r, 1);
                write(pm, g, records.words, records.start(r) + 1, TxRecords.count(head), "UNDO");
            }
        }
        pm.drain();
    }

    /** Writes {@code count} words stored after an offset word at {@code from}, and flushes them. */
    private static void write(PersistentMemory pm, PoolGeometry g, MutableLongList words, int from, int count,
                              String what) {
        long offset = words.get(from);
        TxRecords.checkTarget(g, offset, count, what);
        for (int i = 0; i < count; i++) {
            pm.setLong(offset + 8L * i, words.get(from + 1 + i));
        }
        pm.flush(offset, 8L * count);
    }
}
