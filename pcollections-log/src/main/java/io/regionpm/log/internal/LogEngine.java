package io.regionpm.log.internal;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import io.regionpm.alloc.Lane;
import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolFullException;
import io.regionpm.recovery.PoolRuntime;
import io.regionpm.recovery.Registration;
import io.regionpm.recovery.RobustMutex;
import io.regionpm.recovery.Transaction;
import io.regionpm.recovery.log.Checksum64;

import static io.regionpm.log.internal.RecordLayout.CHECKSUM;
import static io.regionpm.log.internal.RecordLayout.CONTINUES;
import static io.regionpm.log.internal.RecordLayout.DATA;
import static io.regionpm.log.internal.RecordLayout.HEADER_BYTES;
import static io.regionpm.log.internal.RecordLayout.PENDING;
import static io.regionpm.log.internal.RecordLayout.SKIP;

/**
 * A log's engine: appends (announce in the lane's slot, CAS on the tail, write PENDING,
 * payload, checksum, then DATA with release), validated reads, segment allocation and head
 * truncation. Holes and crash recovery are in {@link LogRepair}.
 *
 * <p>Memory ordering: the DATA header is published with a CAS (volatile), after the payload
 * and checksum; readers load it with acquire, copy the record, then (after an acquire fence)
 * re-read the head: a record whose segment was freed and reused meanwhile sits below the new
 * head, so the copy is discarded. That is why {@link #truncateHead} frees segments at once
 * and needs no reader epochs: the pool stays mapped, so a stale read returns garbage, never a
 * fault, and the head check rejects it.
 *
 * <p>Durability: SYNC appends flush payload and checksum, drain, then flush the header and
 * the tail word and drain before returning. PMSYNC appends run inside the pool's operation
 * barrier, so that a pmsync never captures half a record. NONE flushes nothing.
 *
 * <p>Thread-safety: safe for any threads and processes.
 */
public final class LogEngine {
    /** Default segment shift: 1 MiB segments. */
    public static final int DEFAULT_SHIFT = 20;
    /** Ring slots of a new log: live segments at most. */
    public static final int DEFAULT_RING = 4096;

    final PoolRuntime rt;
    final PersistentMemory pm;
    final long h;
    final int shift;
    final long segmentBytes;
    final int ring;
    final int lanes;
    private final boolean sync;
    private final RobustMutex mutex;

    /**
     * @param rt     the pool's runtime
     * @param header the validated header block
     * @param sync   whether appends are durable on return (SYNC)
     */
    public LogEngine(PoolRuntime rt, long header, boolean sync) {
        this.rt = rt;
        this.pm = rt.memory();
        this.h = header;
        this.shift = LogHeader.shift(pm, header);
        this.segmentBytes = 1L << shift;
        this.ring = LogHeader.ring(pm, header);
        this.lanes = LogHeader.lanes(pm, header);
        this.sync = sync;
        this.mutex = new RobustMutex(pm, LogHeader.mutex(header), rt.registry());
    }

    /**
     * Allocates and formats a new log's header in {@code tx}.
     *
     * @param tx    the transaction
     * @param shift segment shift
     * @param ring  ring slots
     * @return the header block
     */
    public static long create(Transaction tx, int shift, int ring) {
        int lanes = tx.runtime().geometry().laneCount();
        long header = tx.allocate(LogHeader.bytes(ring, lanes));
        LogHeader.format(tx.runtime().memory(), header, shift, ring, lanes);
        return header;
    }

    /** @return the header block's offset */
    public long header() {
        return h;
    }

    /** @return the segment size in bytes */
    public long segmentBytes() {
        return segmentBytes;
    }

    /** @return the largest payload one record can hold */
    public long maxPayload() {
        return segmentBytes - HEADER_BYTES;
    }

    /** @return the head position */
    public long head() {
        return pm.getLongAcquire(LogHeader.head(h));
    }

    /** @return the tail position (where the next reservation starts) */
    public long tail() {
        return pm.getLongAcquire(LogHeader.tail(h));
    }

    long segmentOf(long position) {
        return position >>> shift;
    }

    long segmentEnd(long position) {
        return (segmentOf(position) + 1) << shift;
    }

    long ringSlot(long segment) {
        return LogHeader.ringSlot(h, (int) (segment & ring - 1));
    }

    long appendSlot(int lane) {
        return LogHeader.appendSlot(h, ring, lane);
    }

    /** @return the pool offset of position p, or -1 if its segment is not allocated */
    long address(long position) {
        long block = pm.getLongAcquire(ringSlot(segmentOf(position)));
        return block == 0 ? -1 : block + (position & segmentBytes - 1);
    }

    /**
     * Makes sure segment {@code k} is allocated (zero-filled), under the log's mutex:
     * idempotent, whoever needs it first allocates it.
     *
     * @param k a segment number
     */
    void ensureSegment(long k) {
        long slot = ringSlot(k);
        if (pm.getLongAcquire(slot) != 0) {
            return;
        }
        rt.transaction(() -> {
            Transaction tx = rt.current();
            tx.lock(mutex);
            if (tx.getLong(slot) == 0) {
                long block = tx.allocate(segmentBytes);
                pm.fill(block, segmentBytes, (byte) 0);
                tx.setLong(slot, block);
            }
        });
    }

    /**
     * Appends records contiguously in one reservation, atomically: readers see all or none.
     *
     * @param records the records (at least one)
     * @return the first record's position
     * @throws IllegalArgumentException if they do not fit in one segment (nothing changed)
     */
    public long append(Payloads records) {
        long extent = 0;
        for (int i = 0; i < records.count(); i++) {
            extent += RecordLayout.recordBytes(records.length(i));
        }
        if (extent > segmentBytes) {
            throw new IllegalArgumentException("records of " + extent + " bytes (framing included) do not fit in a"
                    + " log segment of " + segmentBytes + " bytes");
        }
        rt.barrier().enter();
        try {
            preallocate(extent);
            return appendInLane(records, extent);
        } finally {
            rt.barrier().exit();
        }
    }

    /**
     * Allocates the segments the next reservation will most likely need before taking a lane,
     * so that an appender rarely holds two lanes (its own and its allocation transaction's).
     */
    private void preallocate(long extent) {
        long t = tail();
        ensureSegment(segmentOf(t));
        if (segmentOf(t + extent - 1) != segmentOf(t) && segmentOf(t) + 1 - segmentOf(head()) < ring) {
            ensureSegment(segmentOf(t) + 1);
        }
    }

    private long appendInLane(Payloads records, long extent) {
        try (Lane lane = rt.heap().acquireLane()) {
            int li = lane.index();
            long slot = appendSlot(li);
            LogRepair.repairStaleSlot(this, slot);
            try {
                while (true) {
                    long p = reserve(slot, extent);
                    if (writeOrRelease(slot, p, extent, records, li)) {
                        return p;
                    }
                }
            } finally {
                pm.setLongRelease(LogHeader.slotPosition(slot), 0);
                wakeReaders();
            }
        }
    }

    /** Announces, then takes [p, p + extent) with a CAS on the tail; a segment end crossed becomes a filler SKIP. */
    private long reserve(long slot, long extent) {
        Registration me = rt.registration();
        pm.setLong(LogHeader.slotEntry(slot), me.entry());
        pm.setLong(LogHeader.slotGeneration(slot), me.generation());
        long tailWord = LogHeader.tail(h);
        while (true) {
            long t = pm.getLongVolatile(tailWord);
            long p = segmentOf(t) == segmentOf(t + extent - 1) ? t : segmentEnd(t);
            long end = p + extent;
            if (segmentOf(end - 1) - segmentOf(head()) >= ring) {
                throw new PoolFullException("log has " + ring + " segments of " + segmentBytes
                        + " bytes in use: truncate its head");
            }
            pm.setLong(LogHeader.slotExtent(slot), end - t);
            pm.setLongRelease(LogHeader.slotPosition(slot), t + 1);
            if (pm.compareAndSetLong(tailWord, t, end)) {
                try {
                    if (p != t) {
                        ensureSegment(segmentOf(t));
                        long at = address(t);
                        pm.compareAndSetLong(at, 0, RecordLayout.header(SKIP, p - t, 0));
                        flushIfSync(at, 8);
                    }
                    ensureSegment(segmentOf(p));
                } catch (RuntimeException | Error e) {
                    LogRepair.repairRange(this, t, end - t);
                    throw e;
                }
                return p;
            }
        }
    }

    /** {@link #write}; if it throws (the codec, say), the reservation becomes a SKIP first. */
    private boolean writeOrRelease(long slot, long p, long extent, Payloads records, int lane) {
        try {
            return write(p, extent, records, lane);
        } catch (RuntimeException | Error e) {
            long announced = pm.getLong(LogHeader.slotPosition(slot)) - 1;
            LogRepair.repairRange(this, announced, pm.getLong(LogHeader.slotExtent(slot)));
            throw e;
        }
    }

    /** Writes the reservation at p; false if a repairer took it (this appender looked dead). */
    private boolean write(long p, long extent, Payloads records, int lane) {
        long at = address(p);
        if (!pm.compareAndSetLong(at, 0, RecordLayout.header(PENDING, extent, lane))) {
            return false;
        }
        int n = records.count();
        if (n > 1 && sync) {
            pm.persist(at, 8); // a batch's PENDING header is durable before any later record can be
        }
        long first = 0;
        long q = p;
        for (int i = 0; i < n; i++) {
            long header = RecordLayout.header(DATA, records.length(i), lane) | (i > 0 ? CONTINUES : 0);
            writeRecord(at + (q - p), q, records, i, header);
            if (i == 0) {
                first = header;
            } else {
                pm.setLong(at + (q - p), header);
            }
            q += RecordLayout.recordBytes(records.length(i));
        }
        if (sync) {
            pm.flush(at + CHECKSUM, extent - CHECKSUM);
            pm.drain();
        }
        if (!pm.compareAndSetLong(at, RecordLayout.header(PENDING, extent, lane), first)) {
            return false;
        }
        if (sync) {
            pm.flush(at, 8);
            pm.flush(LogHeader.tail(h), 8);
            pm.drain();
        }
        return true;
    }

    private void writeRecord(long at, long position, Payloads records, int i, long header) {
        int length = records.length(i);
        long checksum;
        if (length > 0) {
            MemorySegment view = pm.writableSlice(at + HEADER_BYTES, length);
            records.write(i, view, 0);
            pm.storedThroughView(at + HEADER_BYTES, length);
            checksum = Checksum64.of(position, header, view, 0, length); // the bytes just written, through the same view
        } else {
            checksum = Checksum64.of(position, header, MemorySegment.NULL, 0, 0);
        }
        pm.setLong(at + CHECKSUM, checksum);
    }

    void flushIfSync(long at, long bytes) {
        if (sync) {
            pm.persist(at, bytes);
        }
    }

    /**
     * Wakes waiting readers, if any. The check is one half of a Dekker handshake with
     * {@link #await}: this append published its DATA header with a CAS (a full fence) before
     * reading the waiter count; a reader counts itself in with an atomic add and a full fence
     * before re-checking for records. So either the reader sees the record, or this append
     * sees the reader and bumps the notify word the reader sleeps on. Appends with nobody
     * waiting touch neither word.
     */
    private void wakeReaders() {
        if (pm.getIntVolatile(LogHeader.waiters(h)) != 0) {
            pm.getAndAddInt(LogHeader.notifyWord(h), 1);
            pm.futexWake(LogHeader.notifyWord(h), Integer.MAX_VALUE);
        }
    }

    /**
     * Reads what is at {@code position} into {@code out}: a record (copied, checksum verified,
     * head re-checked after the copy), a skip, the end, a truncated position, an append in
     * flight, or an invalid position.
     *
     * @param position a position
     * @param out      where to put the result
     * @return {@code out}
     */
    public Probe probe(long position, Probe out) {
        if ((position & RecordLayout.ALIGN - 1) != 0 || position < 0) {
            return out.set(Probe.INVALID, position);
        }
        if (position < head()) {
            return out.set(Probe.TRUNCATED, head());
        }
        long at = address(position);
        long header = at < 0 ? 0 : pm.getLongAcquire(at);
        int kind = RecordLayout.kind(header);
        long room = segmentEnd(position) - position;
        if (header == 0 || kind == PENDING && RecordLayout.wellFormed(header)) {
            // only here is the tail read: a reader that keeps up does not touch the appenders' hot line per record
            return position >= tail() ? out.set(Probe.END, position) : truncatedOr(position, out, Probe.IN_FLIGHT);
        }
        if (kind == SKIP && RecordLayout.wellFormed(header) && RecordLayout.validExtent(RecordLayout.length(header), room)) {
            return truncatedOr(position, out.set(Probe.SKIP, position + RecordLayout.length(header)), Probe.SKIP);
        }
        if (kind != DATA || !RecordLayout.wellFormed(header) || RecordLayout.recordBytes(RecordLayout.length(header)) > room) {
            return truncatedOr(position, out, Probe.INVALID);
        }
        return copy(position, at, header, out);
    }

    private Probe copy(long position, long at, long header, Probe out) {
        int length = (int) RecordLayout.length(header);
        byte[] buffer = out.buffer(length);
        pm.read(at + HEADER_BYTES, buffer, 0, length);
        long checksum = pm.getLong(at + CHECKSUM);
        VarHandle.acquireFence();
        if (position < head()) {
            return out.set(Probe.TRUNCATED, head());
        }
        if (Checksum64.of(position, header, out.payload(), 0, length) != checksum) {
            return out.set(Probe.INVALID, position);
        }
        out.length = length;
        return out.set(Probe.RECORD, position + RecordLayout.recordBytes(length));
    }

    private Probe truncatedOr(long position, Probe out, int status) {
        VarHandle.acquireFence();
        long head = head();
        if (position < head) {
            return out.set(Probe.TRUNCATED, head);
        }
        return out.set(status, status == Probe.SKIP ? out.next : position);
    }

    /**
     * Walks record headers (no payload copied) from {@code from} towards {@code target}.
     *
     * @param from   a record boundary at or after the head
     * @param target where to stop
     * @return the first boundary at or past {@code target}, or the position of the first
     *         record in flight before it
     */
    public long walkHeaders(long from, long target) {
        long p = Math.max(from, head());
        while (p < target) {
            long at = address(p);
            long header = at < 0 ? 0 : pm.getLongAcquire(at);
            long room = segmentEnd(p) - p;
            int kind = RecordLayout.kind(header);
            if (kind == DATA && RecordLayout.wellFormed(header) && RecordLayout.recordBytes(RecordLayout.length(header)) <= room) {
                p += RecordLayout.recordBytes(RecordLayout.length(header));
            } else if (kind == SKIP && RecordLayout.wellFormed(header) && RecordLayout.validExtent(RecordLayout.length(header), room)) {
                p += RecordLayout.length(header);
            } else {
                return p;
            }
        }
        return p;
    }

    /** @return the current value of the notify word */
    public int notifySequence() {
        return pm.getIntVolatile(LogHeader.notifyWord(h));
    }

    /**
     * Sleeps until an append bumps the notify word past {@code sequence}, or the timeout,
     * unless {@code ready} (checked after this reader has counted itself among the waiters,
     * see {@link #wakeReaders}) finds what the caller waits for.
     *
     * @param sequence what {@link #notifySequence()} returned, read before the caller last
     *                 found nothing
     * @param nanos    longest wait
     * @param ready    the caller's check for what it waits for
     */
    public void await(int sequence, long nanos, BooleanSupplier ready) {
        long waiters = LogHeader.waiters(h);
        pm.getAndAddInt(waiters, 1);
        VarHandle.fullFence(); // the count before the re-check: the other half of wakeReaders' handshake
        try {
            if (!ready.getAsBoolean() && pm.getIntVolatile(LogHeader.notifyWord(h)) == sequence) {
                pm.futexWait(LogHeader.notifyWord(h), sequence, Duration.ofNanos(nanos));
            }
        } finally {
            pm.getAndAddInt(waiters, -1);
        }
    }

    /**
     * Moves the head to {@code position} and frees the segments wholly below it, in one
     * transaction. The caller has checked that {@code position} is a record boundary.
     *
     * @param position the new head
     */
    public void truncateHead(long position) {
        rt.transaction(() -> {
            Transaction tx = rt.current();
            tx.lock(mutex);
            long old = tx.getLong(LogHeader.head(h));
            if (position <= old) {
                return;
            }
            tx.setLong(LogHeader.head(h), position);
            for (long k = segmentOf(old); k < segmentOf(position); k++) {
                long slot = ringSlot(k);
                long block = tx.getLong(slot);
                if (block != 0) {
                    tx.free(block);
                    tx.setLong(slot, 0);
                }
            }
        });
    }
}
