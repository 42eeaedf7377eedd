package io.regionpm.recovery.log;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.alloc.PoolFormatException;

/**
 * A record log's region, shared by both implementations: its 64-byte header line, the
 * circular data area after it, and the writer's volatile positions.
 *
 * <p>Positions are absolute word numbers that only grow: position {@code p} lives in data
 * word {@code p mod N} and belongs to pass {@code p / N}, where {@code N} is the number of
 * data words. The head (the first live record) is the only position kept in the pool; the
 * tail is found again by recovery.
 *
 * <p>Layout of the region {@code [base, base + capacity)}:
 * <pre>
 * | offset | size           | field                                                        |
 * |--------|----------------|--------------------------------------------------------------|
 * |      0 |              8 | magic: log kind and format version, ASCII RPLOGTB1/RPLOGCK1 |
 * |      8 |              8 | capacity: the region's size in bytes, this header included  |
 * |     16 |              8 | header check: Checksum64 of magic and capacity               |
 * |     24 |              8 | head: bits 0-55 the absolute position of the first live      |
 * |        |                |   record; bits 56-63 the XOR of bits 0-55's seven bytes      |
 * |     32 |             32 | reserved, zero                                               |
 * |     64 | capacity - 64  | data area: N = (capacity - 64) / 8 words, circular           |
 * </pre>
 * The head word is the one word that truncation changes; it is written with one 8-byte
 * store and persisted, so it is always either the old or the new head.
 *
 * <p>Thread-safety: none (the log's one writer).
 */
final class LogRegion {
    static final long MAGIC = 0;
    static final long CAPACITY = 8;
    static final long CHECK = 16;
    static final long HEAD = 24;
    static final long DATA = 64;

    static final long TORNBIT_MAGIC = ascii("RPLOGTB1");
    static final long CHECKSUM_MAGIC = ascii("RPLOGCK1");

    /** Smallest region: the header line and one line of data. */
    static final long MIN_CAPACITY = 128;
    /** Largest region (16 GiB): keeps the word count below 2^31. */
    static final long MAX_CAPACITY = 1L << 34;
    /** Positions are 56-bit (2^56 words, 512 PiB written in the log's lifetime). */
    static final long MAX_POSITION = (1L << 56) - 1;

    private final PersistentMemory pm;
    private final long base;
    private final long dataStart;
    private final long dataEnd;
    private final long words;
    private long head;
    private long tail;
    private long flushed;
    private boolean recovered;

    private LogRegion(PersistentMemory pm, long base, long capacity, long head, boolean recovered) {
        this.pm = pm;
        this.base = base;
        this.dataStart = base + DATA;
        this.dataEnd = base + capacity;
        this.words = (capacity - DATA) / Long.BYTES;
        this.head = head;
        this.tail = head;
        this.flushed = head;
        this.recovered = recovered;
    }

    /**
     * Initialises a region durably: the magic is cleared first and written last, so a crash
     * in between leaves a region that no {@code open} accepts.
     */
    static LogRegion format(PersistentMemory pm, long base, long capacity, long magic) {
        checkArguments(pm, base, capacity);
        pm.setLong(base + MAGIC, 0);
        pm.persist(base + MAGIC, Long.BYTES);
        pm.fill(base, capacity, (byte) 0);
        pm.setLong(base + CAPACITY, capacity);
        pm.setLong(base + CHECK, headerCheck(magic, capacity));
        pm.setLong(base + HEAD, encodeHead(0));
        pm.persist(base, capacity);
        pm.setLongRelease(base + MAGIC, magic);
        pm.persist(base + MAGIC, Long.BYTES);
        return new LogRegion(pm, base, capacity, 0, true);
    }

    /** Validates a formatted region's header and reads its head. */
    static LogRegion open(PersistentMemory pm, long base, long capacity, long magic) {
        checkArguments(pm, base, capacity);
        long found = pm.getLongAcquire(base + MAGIC);
        if (found != magic) {
            throw new PoolFormatException("region at " + base + " is not a " + kind(magic) + ": " + kind(found));
        }
        long stored = pm.getLong(base + CAPACITY);
        if (stored != capacity) {
            throw new PoolFormatException("region at " + base + " holds a " + kind(magic) + " of " + stored
                    + " bytes, opened as " + capacity);
        }
        if (pm.getLong(base + CHECK) != headerCheck(magic, capacity)) {
            throw new PoolCorruptedException("region at " + base + ": log header checksum mismatch");
        }
        long word = pm.getLong(base + HEAD);
        long position = word & MAX_POSITION;
        if (word != encodeHead(position)) {
            throw new PoolCorruptedException("region at " + base + ": corrupt log head word " + Long.toHexString(word));
        }
        return new LogRegion(pm, base, capacity, position, false);
    }

    private static void checkArguments(PersistentMemory pm, long base, long capacity) {
        Objects.requireNonNull(pm, "pm");
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || capacity % 64 != 0) {
            throw new IllegalArgumentException("log capacity must be a multiple of 64 in [" + MIN_CAPACITY + ", "
                    + MAX_CAPACITY + "]: " + capacity);
        }
        if (base < 0 || (base & 7) != 0 || base > pm.size() - capacity) {
            throw new IllegalArgumentException("log region [" + base + ", +" + capacity
                    + ") is not 8-byte aligned inside the pool of " + pm.size() + " bytes");
        }
    }

    private static String kind(long magic) {
        if (magic == TORNBIT_MAGIC) {
            return "tornbit log";
        }
        if (magic == CHECKSUM_MAGIC) {
            return "checksum log";
        }
        return magic == 0 ? "unformatted region" : "unknown region (magic " + Long.toHexString(magic) + ")";
    }

    private static long headerCheck(long magic, long capacity) {
        return Checksum64.of(magic, capacity, new long[0], 0, 0);
    }

    private static long encodeHead(long position) {
        long fold = position;
        fold ^= fold >>> 32;
        fold ^= fold >>> 16;
        fold ^= fold >>> 8;
        return position | (fold & 0xFF) << 56;
    }

    private static long ascii(String eight) {
        byte[] b = eight.getBytes(StandardCharsets.US_ASCII);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xFF);
        }
        return v;
    }

    // ---- positions -----------------------------------------------------------------------

    PersistentMemory memory() {
        return pm;
    }

    /** @return N, the data area's size in words */
    long words() {
        return words;
    }

    long head() {
        return head;
    }

    long tail() {
        return tail;
    }

    /** @return the first position a record may not reach: one buffer past the head */
    long limit() {
        return head + words;
    }

    long usedBytes() {
        return (tail - head) * Long.BYTES;
    }

    long capacityBytes() {
        return words * Long.BYTES;
    }

    /**
     * Validates an append's arguments and the log's state.
     *
     * @param max the longest record, in words
     */
    void checkAppend(long[] source, int from, int count, int max) {
        checkRecovered();
        if (count < 1 || count > max) {
            throw new IllegalArgumentException("record of " + count + " words; this log takes 1 to " + max);
        }
        Objects.checkFromIndexSize(from, count, source.length);
    }

    /** @return whether {@code size} more words fit before the head's next pass */
    boolean fits(long size) {
        if (tail + size > MAX_POSITION) {
            throw new IllegalStateException("log position space exhausted at " + tail);
        }
        return tail + size <= head + words;
    }

    void appended(long size) {
        tail += size;
    }

    /** Flushes the words written since the last flush and drains once. */
    void flushPending() {
        checkRecovered();
        if (flushed == tail) {
            return;
        }
        long first = flushed % words;
        long length = tail - flushed;
        if (first + length <= words) {
            pm.flush(dataStart + first * Long.BYTES, length * Long.BYTES);
        } else {
            long part = words - first;
            pm.flush(dataStart + first * Long.BYTES, part * Long.BYTES);
            pm.flush(dataStart, (length - part) * Long.BYTES);
        }
        pm.drain();
        flushed = tail;
    }

    /** Moves the head to the tail and persists it: one fence. */
    void truncate() {
        checkRecovered();
        head = tail;
        flushed = tail;
        pm.setLongRelease(base + HEAD, encodeHead(head));
        pm.persist(base + HEAD, Long.BYTES);
    }

    void beginRecovery() {
        if (recovered) {
            throw new IllegalStateException("this log has already recovered (or was just formatted)");
        }
    }

    /**
     * Ends recovery: makes the data area durable (the recovered records and the scrubbed
     * words beyond them) with one fence and lets appends continue at {@code end}.
     */
    void recovered(long end) {
        pm.persist(dataStart, words * Long.BYTES);
        tail = end;
        flushed = end;
        recovered = true;
    }

    private void checkRecovered() {
        if (!recovered) {
            throw new IllegalStateException("an opened log must recover before it is used");
        }
    }

    /**
     * A walk over the circular data area, one word at a time.
     *
     * @return a new cursor (logs keep one and reuse it)
     */
    Cursor cursor() {
        return new Cursor();
    }

    /** A position and the pool offset of its word, advanced without divisions. */
    final class Cursor {
        /** The absolute position. */
        long position;
        /** The pool offset of the position's word. */
        long offset;
        /**
         * {@code Long.MIN_VALUE} (bit 63 set) on even passes, 0 on odd passes: the torn bit
         * {@link TornbitLog} writes in this pass.
         */
        long passBit;

        Cursor seek(long to) {
            long pass = to / words;
            position = to;
            offset = dataStart + (to - pass * words) * Long.BYTES;
            passBit = (pass & 1) == 0 ? Long.MIN_VALUE : 0;
            return this;
        }

        void advance() {
            position++;
            offset += Long.BYTES;
            if (offset == dataEnd) {
                offset = dataStart;
                passBit ^= Long.MIN_VALUE;
            }
        }
    }
}
