package io.regionpm.alloc.internal;

import java.util.concurrent.atomic.AtomicLong;

import io.regionpm.alloc.PoolGeometry;

/**
 * Finds FREE superblocks and claims them for a lane with compare-and-set, one (a SMALL
 * superblock of a size class) or a run of consecutive ones (a large object). A claim is
 * kept only if the intent fence finds no free still in flight inside it. State words are
 * flushed; the caller's next drain (the publish's intent) makes them durable before any bit
 * in them can be.
 *
 * <p>Thread- and process-safety: safe; the scan cursor is a per-process hint.
 */
public final class SuperblockClaimer {
    private final SuperblockTable table;
    private final LaneTable lanes;
    private final long count;
    private final AtomicLong cursor = new AtomicLong();

    /** @param table states and bitmaps @param lanes the lane table */
    public SuperblockClaimer(SuperblockTable table, LaneTable lanes) {
        this.table = table;
        this.lanes = lanes;
        this.count = table.geometry().superblockCount();
    }

    /**
     * @param cls  size class
     * @param lane claiming lane
     * @return the claimed superblock, or -1 if none is free
     */
    public long claimSmall(int cls, int lane) {
        long start = cursor.get();
        for (long i = 0; i < count; i++) {
            long sb = (start + i) % count;
            if (table.state(sb) == SuperblockState.FREE
                    && table.compareAndSetState(sb, SuperblockState.FREE, SuperblockState.small(cls, lane))) {
                if (!freesInFlight(sb, 1)) {
                    cursor.set(sb + 1);
                    return sb;
                }
                table.compareAndSetState(sb, SuperblockState.small(cls, lane), SuperblockState.FREE);
            }
        }
        return -1;
    }

    /**
     * @param lane claiming lane
     * @param run  superblocks wanted
     * @return the head of the claimed run (a reservation: its bit is clear), or -1
     */
    public long claimRun(int lane, long run) {
        long sb = 0;
        while (sb + run <= count) {
            long blocked = firstTaken(sb, run);
            if (blocked >= 0) {
                sb = blocked + 1;
                continue;
            }
            long failed = tryClaimRun(sb, lane, run);
            if (failed < 0) {
                if (!freesInFlight(sb, run)) {
                    return sb;
                }
                table.releaseRun(sb, SuperblockState.head(lane, run));
                failed = sb;
            }
            sb = failed + 1;
        }
        return -1;
    }

    private long firstTaken(long from, long run) {
        for (long s = from + run - 1; s >= from; s--) {
            if (table.state(s) != SuperblockState.FREE) {
                return s;
            }
        }
        return -1;
    }

    /** @return -1 if claimed, else the superblock whose claim failed (all rolled back) */
    private long tryClaimRun(long head, int lane, long run) {
        long headState = SuperblockState.head(lane, run);
        if (!table.compareAndSetState(head, SuperblockState.FREE, headState)) {
            return head;
        }
        for (long d = 1; d < run; d++) {
            if (!table.compareAndSetState(head + d, SuperblockState.FREE, SuperblockState.tail(lane, d))) {
                for (long u = d - 1; u >= 1; u--) {
                    table.compareAndSetState(head + u, SuperblockState.tail(lane, u), SuperblockState.FREE);
                }
                table.compareAndSetState(head, headState, SuperblockState.FREE);
                return head + d;
            }
        }
        return -1;
    }

    private boolean freesInFlight(long from, long run) {
        boolean[] found = {false};
        lanes.fence(from, from + run, block -> found[0] = true);
        return found[0];
    }

    /** @return superblocks in the pool */
    public long count() {
        return count;
    }

    /** @return the geometry */
    public PoolGeometry geometry() {
        return table.geometry();
    }
}
