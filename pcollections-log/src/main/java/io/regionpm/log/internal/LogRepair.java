package io.regionpm.log.internal;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.recovery.log.Checksum64;

import static io.regionpm.log.internal.RecordLayout.DATA;
import static io.regionpm.log.internal.RecordLayout.PENDING;
import static io.regionpm.log.internal.RecordLayout.SKIP;

/**
 * Holes and recovery: turns the reservations of dead appenders into SKIP records, so that
 * readers never wait for them, and after a crash with no live appender makes every incomplete
 * or invalid record between head and tail a SKIP, so that the complete records after it
 * survive.
 *
 * <p>Every repair is a CAS on a header that expects the zero or PENDING word the repairer
 * saw: an appender that was only slow (misjudged dead) loses its CAS and appends again
 * elsewhere, so a repair never destroys a complete record.
 *
 * <p>Thread-safety: safe for any threads and processes ({@link #recover} assumes no live
 * appender, see there).
 */
public final class LogRepair {
    private LogRepair() {
    }

    /**
     * Clears the lane's append slot left by a previous holder, repairing what it announced
     * (called by an appender that has just taken the lane: the previous holder is gone).
     *
     * @param e    the log
     * @param slot the lane's append slot
     */
    static void repairStaleSlot(LogEngine e, long slot) {
        PersistentMemory pm = e.pm;
        long announced = pm.getLongAcquire(LogHeader.slotPosition(slot));
        if (announced != 0) {
            repairRange(e, announced - 1, pm.getLong(LogHeader.slotExtent(slot)));
            pm.setLongRelease(LogHeader.slotPosition(slot), 0);
        }
    }

    /**
     * Makes every unstarted (zero) or PENDING record header in {@code [from, from + extent)}
     * a SKIP, piece by piece at segment ends.
     *
     * @param e      the log
     * @param from   the reservation's first byte
     * @param extent its bytes
     */
    static void repairRange(LogEngine e, long from, long extent) {
        long end = from + extent;
        for (long a = from; a < end; a = e.segmentEnd(a)) {
            long b = Math.min(end, e.segmentEnd(a));
            long at = e.address(a);
            if (at < 0) {
                continue;
            }
            long header = e.pm.getLongAcquire(at);
            if (header == 0) {
                e.pm.compareAndSetLong(at, 0, RecordLayout.header(SKIP, b - a, 0));
            } else if (RecordLayout.kind(header) == PENDING && RecordLayout.wellFormed(header)) {
                e.pm.compareAndSetLong(at, header, RecordLayout.header(SKIP, RecordLayout.length(header), 0));
            }
            e.flushIfSync(at, 8);
        }
    }

    /**
     * Decides whether the incomplete record at {@code position} belongs to a dead appender and
     * if so makes it a SKIP: a PENDING header that no live appender's slot covers, or a zero
     * header that no live slot covers but a dead one does.
     *
     * @param e        the log
     * @param position a position where {@link LogEngine#probe} found an append in flight
     * @return true if it repaired something (probe again); always false on a read-only pool
     */
    public static boolean resolveHole(LogEngine e, long position) {
        if (e.rt.isReadOnly()) {
            return false; // a read-only mapping cannot repair: wait for a writable process to
        }
        PersistentMemory pm = e.pm;
        long deadFrom = -1;
        long deadExtent = 0;
        for (int lane = 0; lane < e.lanes; lane++) {
            long slot = e.appendSlot(lane);
            long announced = pm.getLongAcquire(LogHeader.slotPosition(slot));
            if (announced == 0) {
                continue;
            }
            long extent = pm.getLong(LogHeader.slotExtent(slot));
            long entry = pm.getLong(LogHeader.slotEntry(slot));
            long generation = pm.getLong(LogHeader.slotGeneration(slot));
            long from = announced - 1;
            if (pm.getLongAcquire(LogHeader.slotPosition(slot)) != announced) {
                return false; // changing under us: an appender at work
            }
            if (position >= from && position - from < extent) {
                if (entry < 0 || entry > Integer.MAX_VALUE || e.rt.registry().isAlive((int) entry, generation)) {
                    return false;
                }
                deadFrom = from;
                deadExtent = extent;
            }
        }
        return repairHole(e, position, deadFrom, deadExtent);
    }

    private static boolean repairHole(LogEngine e, long position, long deadFrom, long deadExtent) {
        long at = e.address(position);
        if (at < 0) {
            if (deadFrom < 0) {
                return false;
            }
            e.ensureSegment(e.segmentOf(position));
            at = e.address(position);
        }
        long header = e.pm.getLongAcquire(at);
        if (RecordLayout.kind(header) == PENDING && RecordLayout.wellFormed(header)) {
            boolean done = e.pm.compareAndSetLong(at, header, RecordLayout.header(SKIP, RecordLayout.length(header), 0));
            e.flushIfSync(at, 8);
            return done;
        }
        if (header == 0 && deadFrom >= 0) {
            repairRange(e, deadFrom, deadExtent);
            return true;
        }
        return false;
    }

    /**
     * Repairs the slots of dead appenders; then, if {@code scan}, walks head to tail making
     * every incomplete or invalid record a SKIP (a PENDING one over its extent, any other up to
     * the next record whose position-seeded checksum verifies and that starts a batch), moves
     * the tail past the last record kept, and zeroes what lies beyond it. The scan assumes that
     * no appender is live (after a crash, with this process the only one).
     *
     * @param e    the log
     * @param scan whether to scan (no live appender anywhere)
     */
    public static void recover(LogEngine e, boolean scan) {
        PersistentMemory pm = e.pm;
        for (int lane = 0; lane < e.lanes; lane++) {
            long slot = e.appendSlot(lane);
            long announced = pm.getLongAcquire(LogHeader.slotPosition(slot));
            long entry = pm.getLong(LogHeader.slotEntry(slot));
            if (announced != 0 && (scan || entry < 0 || entry > Integer.MAX_VALUE
                    || !e.rt.registry().isAlive((int) entry, pm.getLong(LogHeader.slotGeneration(slot))))) {
                repairStaleSlot(e, slot);
            }
        }
        if (!scan) {
            return;
        }
        long tail = e.tail();
        for (long k = e.segmentOf(e.head()); e.head() < tail && k <= e.segmentOf(tail - 1); k++) {
            e.ensureSegment(k);
        }
        long p = e.head();
        while (p < tail) {
            p = repairAt(e, p, Math.min(tail, e.segmentEnd(p)));
        }
        if (p > tail) {
            pm.compareAndSetLong(LogHeader.tail(e.h), tail, p);
        }
        scrub(e, Math.max(p, tail));
        e.flushIfSync(LogHeader.tail(e.h), 8);
    }

    /** @return the position after whatever is at p, made valid */
    private static long repairAt(LogEngine e, long p, long limit) {
        long at = e.address(p);
        long header = e.pm.getLong(at);
        long room = e.segmentEnd(p) - p;
        int kind = RecordLayout.kind(header);
        if (verifies(e, p, at, header, room)) {
            return p + RecordLayout.recordBytes(RecordLayout.length(header));
        }
        if (RecordLayout.wellFormed(header) && kind != DATA && RecordLayout.validExtent(RecordLayout.length(header), room)) {
            if (kind == PENDING) {
                e.pm.setLong(at, RecordLayout.header(SKIP, RecordLayout.length(header), 0));
                e.flushIfSync(at, 8);
            }
            return p + RecordLayout.length(header);
        }
        long q = p + RecordLayout.ALIGN;
        while (q < limit && !startsBatch(e, q)) {
            q += RecordLayout.ALIGN;
        }
        long end = q < limit ? q : e.segmentEnd(p);
        e.pm.setLong(at, RecordLayout.header(SKIP, end - p, 0));
        e.flushIfSync(at, 8);
        return end;
    }

    private static boolean startsBatch(LogEngine e, long q) {
        long at = e.address(q);
        long header = e.pm.getLong(at);
        return (header & RecordLayout.CONTINUES) == 0 && verifies(e, q, at, header, e.segmentEnd(q) - q);
    }

    private static boolean verifies(LogEngine e, long p, long at, long header, long room) {
        if (RecordLayout.kind(header) != DATA || !RecordLayout.wellFormed(header)
                || RecordLayout.recordBytes(RecordLayout.length(header)) > room) {
            return false;
        }
        long length = RecordLayout.length(header);
        long sum = Checksum64.of(p, header, e.pm.readOnlySlice(at + RecordLayout.HEADER_BYTES, length), 0, length);
        return sum == e.pm.getLong(at + RecordLayout.CHECKSUM);
    }

    /** Zeroes [tail, end of its segment) and the next segment, if allocated: leftovers of torn appends. */
    private static void scrub(LogEngine e, long tail) {
        long at = e.address(tail);
        if (at >= 0) {
            long bytes = e.segmentEnd(tail) - tail;
            e.pm.fill(at, bytes, (byte) 0);
            e.flushIfSync(at, bytes);
        }
        long next = e.segmentEnd(tail);
        long block = e.address(next);
        if (block >= 0) {
            e.pm.fill(block, e.segmentBytes, (byte) 0);
            e.flushIfSync(block, e.segmentBytes);
        }
    }
}
