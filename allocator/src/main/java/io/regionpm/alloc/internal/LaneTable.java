package io.regionpm.alloc.internal;

import org.eclipse.collections.api.block.procedure.primitive.LongProcedure;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolGeometry;

/**
 * All lane records, and the intent fence: before a lane reuses bits that another lane may
 * have cleared, or claims a superblock that another lane may have released, it reads every
 * lane's intent. A valid FREE intent marks a free still in flight whose replay after a
 * crash would clear the bit again, so its block must not be reused yet; a cleared intent
 * is flushed, so that it can never be replayed once the block is reused.
 *
 * <p>Thread- and process-safety: reads and flushes only.
 */
public final class LaneTable {
    private final PersistentMemory pm;
    private final PoolGeometry g;
    private final LaneRecord[] records;

    /** @param pm the pool @param geometry its layout */
    public LaneTable(PersistentMemory pm, PoolGeometry geometry) {
        this.pm = pm;
        this.g = geometry;
        this.records = new LaneRecord[geometry.laneCount()];
        for (int i = 0; i < records.length; i++) {
            records[i] = new LaneRecord(pm, geometry, i);
        }
    }

    /** @return the number of lanes */
    public int count() {
        return records.length;
    }

    /** @param lane index @return its record */
    public LaneRecord record(int lane) {
        return records[lane];
    }

    /**
     * The intent fence over a range of superblocks: reports every block a valid FREE intent
     * names in {@code [fromSb, toSb)}, then makes every lane's intent durable as read.
     * The caller must have read the states or bitmaps it acts on before calling this.
     *
     * @param fromSb   first superblock
     * @param toSb     end superblock (exclusive)
     * @param inFlight receives the block offsets of frees in flight
     */
    public void fence(long fromSb, long toSb, LongProcedure inFlight) {
        long from = g.superblockOffset(fromSb);
        long to = g.superblockOffset(toSb);
        for (LaneRecord r : records) {
            if (r.validOp() == LaneRecord.FREE) {
                long block = r.block();
                if (block >= from && block < to) {
                    inFlight.value(block);
                }
            }
        }
        pm.flush(g.laneTableOffset(), (long) records.length * PoolGeometry.LANE_BYTES);
        pm.drain();
    }
}
