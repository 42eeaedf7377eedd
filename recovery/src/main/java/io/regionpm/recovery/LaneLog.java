package io.regionpm.recovery;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolGeometry;
import io.regionpm.recovery.log.RecordLog;
import io.regionpm.recovery.log.RecordVisitor;
import io.regionpm.recovery.log.TornbitLog;

/**
 * One lane's log space ({@link PoolGeometry#laneLogBytes()} bytes at
 * {@link PoolGeometry#laneLogOffset(int)}): two words of commit bookkeeping, then the
 * lane's limbo (blocks retired by its transactions, waiting for readers), then the lane's
 * transaction log, a {@link TornbitLog}.
 *
 * <pre>
 * | offset | size      | field                                                         |
 * |      0 |         8 | free progress: (commit sequence &lt;&lt; 24) | frees done, written |
 * |        |           |   atomically with each free of a committed transaction        |
 * |      8 |         8 | last commit sequence used in this lane                        |
 * |     16 |         8 | limbo overflow head: the oldest {@link LimboPage} (0: none)    |
 * |     24 |         8 | limbo overflow tail: the newest {@link LimboPage} (0: none)    |
 * |     32 |        32 | reserved, zero                                                |
 * |     64 |       512 | limbo: 32 entries of (block offset, reader-epoch tag); block 0 |
 * |        |           |   is an empty entry; changed only by redo-logged writes, like   |
 * |        |           |   the overflow words                                          |
 * |    576 | bytes-576 | the transaction log region (all zero: never used)             |
 * </pre>
 *
 * <p>Thread-safety: a flyweight; used by the lane's holder only. Crash behaviour: a log
 * region whose magic is zero (never used, or a format cut by a crash) is formatted on first
 * use.
 */
final class LaneLog {
    static final long PROGRESS = 0, LAST_SEQUENCE = 8, OVERFLOW_HEAD = 16, OVERFLOW_TAIL = 24, LIMBO = 64, LOG = 576;
    /** Entries of a lane's limbo. */
    static final int LIMBO_ENTRIES = (int) ((LOG - LIMBO) / 16);
    static final int FREE_COUNT_BITS = 24;

    private final PersistentMemory pm;
    private final long at;
    private final long logBytes;
    private final int lane;

    LaneLog(PersistentMemory pm, PoolGeometry g, int lane) {
        this.pm = pm;
        this.lane = lane;
        this.at = g.laneLogOffset(lane);
        this.logBytes = g.laneLogBytes() - LOG;
    }

    int lane() {
        return lane;
    }

    /**
     * Opens the log and reads it back (formats it if never used).
     *
     * @param visitor receives the records left in it
     * @return the log, ready for appends after the caller dealt with the records
     */
    RecordLog open(RecordVisitor visitor) {
        if (pm.getLongAcquire(at + LOG) == 0) {
            return TornbitLog.format(pm, at + LOG, logBytes);
        }
        RecordLog log = TornbitLog.open(pm, at + LOG, logBytes);
        log.recover(visitor);
        return log;
    }

    /**
     * Whether the log holds records (an operation in flight, or one whose recovery is not
     * finished), reading only: nothing is formatted or recovered.
     *
     * @return true if recovery of this lane would have work to do on its log
     */
    boolean hasRecords() {
        return pm.getLongAcquire(at + LOG) != 0 && TornbitLog.open(pm, at + LOG, logBytes).hasRecords();
    }

    /** @return the offset of the free-progress word (a slot for the allocator's frees) */
    long progressSlot() {
        return at + PROGRESS;
    }

    /**
     * @param sequence a commit's sequence number
     * @return how many of its frees are done
     */
    int freesDone(long sequence) {
        long p = pm.getLongAcquire(at + PROGRESS);
        return p >>> FREE_COUNT_BITS == sequence ? (int) (p & (1L << FREE_COUNT_BITS) - 1) : 0;
    }

    /** @param sequence a commit @param done frees done @return the progress word */
    static long progress(long sequence, int done) {
        return sequence << FREE_COUNT_BITS | done;
    }

    /** @param i a limbo entry @return the offset of its block word (its tag word follows) */
    long limboEntry(int i) {
        return at + LIMBO + 16L * i;
    }

    /** @return the offset of the word holding the oldest overflow page of the limbo */
    long overflowHead() {
        return at + OVERFLOW_HEAD;
    }

    /** @return the offset of the word holding the newest overflow page of the limbo */
    long overflowTail() {
        return at + OVERFLOW_TAIL;
    }

    /**
     * Whether {@code [offset, offset + bytes)} lies in the limbo (entries or overflow words)
     * of some lane (a valid target of transactional writes).
     */
    static boolean inSomeLimbo(PoolGeometry g, long offset, long bytes) {
        if (offset < g.laneLogOffset() || offset >= g.laneLogOffset(g.laneCount())) {
            return false;
        }
        long rel = (offset - g.laneLogOffset()) % g.laneLogBytes();
        return rel >= LIMBO && rel + bytes <= LOG || rel >= OVERFLOW_HEAD && rel + bytes <= OVERFLOW_TAIL + 8;
    }

    long lastSequence() {
        return pm.getLongAcquire(at + LAST_SEQUENCE);
    }

    /** Stores the last sequence and flushes it (the caller drains). */
    void setLastSequence(long sequence) {
        pm.setLongRelease(at + LAST_SEQUENCE, sequence);
        pm.flush(at + LAST_SEQUENCE, 8);
    }
}
