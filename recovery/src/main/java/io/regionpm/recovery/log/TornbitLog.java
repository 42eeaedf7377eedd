package io.regionpm.recovery.log;

import io.regionpm.alloc.PersistentMemory;

/**
 * Mnemosyne's tornbit raw word log (thesis section 3.2.4): every 64-bit word of the buffer
 * holds 63 bits of data and one torn bit, and a record is committed by one flush and one
 * fence with no commit record and no checksum.
 *
 * <p>The torn bit (bit 63) is the same for every word written in one pass over the circular
 * buffer and flips on each pass: the region starts zeroed, so pass 0 writes 1, pass 1 writes
 * 0 and so on (pass = absolute position / buffer words). A word that did not reach media
 * still holds an earlier pass's value and so the wrong torn bit. The records' values are
 * packed as one bit stream, 63 bits per word (Algorithm 3.1's encode and decode with a
 * remainder), after a header word that carries the record's length and is itself covered by
 * the torn bit.
 *
 * <p>Layout of one record at absolute position {@code p} (64-bit words; each may wrap from
 * the end of the buffer to its start):
 * <pre>
 * | word                | bits  | field                                                   |
 * |---------------------|-------|---------------------------------------------------------|
 * | 0                   | 0-19  | value count L, 1 to 2^20 - 1                            |
 * | 0                   | 20-46 | the low 27 bits of p                                    |
 * | 0                   | 47-62 | check: bits 0-46 XOR-folded into 16 bits                |
 * | 1 .. ceil(64 L/63)  | 0-62  | the L values as one stream, 63 bits per word, least     |
 * |                     |       | significant first; unused bits of the last word zero    |
 * | every word          | 63    | torn bit: 1 on even passes, 0 on odd passes             |
 * </pre>
 *
 * <p>Recovery rule: starting at the durable head, a record is valid when every one of its
 * words has the torn bit of its position's pass, its header's check and position match, its
 * length is 1 to {@link #maxRecordWords()}, it ends within one buffer of the head and its
 * last word's unused bits are zero; recovery stops at the first record that is not.
 *
 * <p>What it detects: any word of a record that was not written (torn or missing writes, in
 * any order), and any damage to a header word. What it does <em>not</em> detect, by design:
 * a flipped data bit in a value word is returned as written (use {@link ChecksumLog} where
 * media corruption must be caught). Its correctness rests on an invariant recovery restores:
 * beyond the tail, no word carries the current pass's torn bit. So recovery rewrites every
 * such word (left there by an append a crash interrupted) with the previous pass's bit, and
 * {@link #truncate()} first makes unflushed appends durable (one more fence, only if there
 * are any), so that no word of a dropped record can reappear two passes later with a valid
 * torn bit.
 *
 * <p>Cost: an append writes {@code 1 + ceil(64 L / 63)} words; a flush is one flush of the
 * written range and one drain. Thread-safety, process-safety and crash behaviour: as
 * {@link RecordLog} says (one writer thread and one process at a time).
 */
public final class TornbitLog implements RecordLog {
    static final long TORN = Long.MIN_VALUE;
    static final long PAYLOAD = Long.MAX_VALUE;
    static final int COUNT_BITS = 20;
    static final int TAG_BITS = 27;
    static final int CHECK_SHIFT = COUNT_BITS + TAG_BITS;
    static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    static final long TAG_MASK = (1L << TAG_BITS) - 1;
    static final long FIELDS_MASK = (1L << CHECK_SHIFT) - 1;

    private final PersistentMemory pm;
    private final LogRegion region;
    private final LogRegion.Cursor cursor;
    private final int maxRecordWords;
    private long[] scratch = new long[16];

    private TornbitLog(LogRegion region) {
        this.pm = region.memory();
        this.region = region;
        this.cursor = region.cursor();
        this.maxRecordWords = (int) Math.min(COUNT_MASK, 63 * (region.words() - 1) / 64);
    }

    /**
     * Initialises {@code [base, base + capacity)} as an empty tornbit log, durably (zeroes
     * everywhere, then the header), and returns it ready for appends. Whatever the region
     * held is lost. A crash during the call leaves a region that {@link #open} refuses.
     *
     * @param pm       the pool's memory
     * @param base     the region's first byte, 8-byte aligned (64 recommended)
     * @param capacity the region's size in bytes, a multiple of 64, at least 128
     * @return the empty log
     * @throws IllegalArgumentException if the region is misaligned, too small or outside the pool
     */
    public static TornbitLog format(PersistentMemory pm, long base, long capacity) {
        return new TornbitLog(LogRegion.format(pm, base, capacity, LogRegion.TORNBIT_MAGIC));
    }

    /**
     * Opens a region formatted by {@link #format}; the log must {@link #recover} next.
     * Changes nothing in the pool.
     *
     * @param pm       the pool's memory
     * @param base     the region's first byte, as formatted
     * @param capacity the region's size, as formatted
     * @return the log, not yet recovered
     * @throws io.regionpm.alloc.PoolFormatException    if the region is not a tornbit log of this capacity
     * @throws io.regionpm.alloc.PoolCorruptedException if its header is damaged
     */
    public static TornbitLog open(PersistentMemory pm, long base, long capacity) {
        return new TornbitLog(LogRegion.open(pm, base, capacity, LogRegion.TORNBIT_MAGIC));
    }

    /** @return the number of buffer words a record of {@code count} values occupies, header included */
    static long recordWords(int count) {
        return 1 + count + (count + 62) / 63;
    }

    static long header(int count, long position) {
        long fields = count | (position & TAG_MASK) << COUNT_BITS;
        return fields | fold16(fields) << CHECK_SHIFT;
    }

    /** @return the value count of a valid header (torn bit cleared) at {@code position}, or -1 */
    static int parseHeader(long header, long position, int max) {
        long fields = header & FIELDS_MASK;
        long count = fields & COUNT_MASK;
        if (header >>> CHECK_SHIFT != fold16(fields) || fields >>> COUNT_BITS != (position & TAG_MASK)
                || count < 1 || count > max) {
            return -1;
        }
        return (int) count;
    }

    private static long fold16(long fields) {
        return (fields ^ fields >>> 16 ^ fields >>> 32) & 0xFFFF;
    }

    @Override
    public boolean append(long[] words, int from, int count) {
        region.checkAppend(words, from, count, maxRecordWords);
        long size = recordWords(count);
        if (!region.fits(size)) {
            return false;
        }
        LogRegion.Cursor c = cursor.seek(region.tail());
        put(c, header(count, c.position));
        // Algorithm 3.1, encode: 63 bits per word, the remainder carried to the next word.
        long remainder = 0;
        int remainderBits = 0;
        for (int i = from, end = from + count; i < end; i++) {
            long value = words[i];
            put(c, (remainder | value << remainderBits) & PAYLOAD);
            remainder = value >>> (63 - remainderBits);
            if (++remainderBits == 63) {
                put(c, remainder);
                remainder = 0;
                remainderBits = 0;
            }
        }
        if (remainderBits > 0) {
            put(c, remainder);
        }
        region.appended(size);
        return true;
    }

    private void put(LogRegion.Cursor c, long payload) {
        pm.setLong(c.offset, payload | c.passBit);
        c.advance();
    }

    @Override
    public void flush() {
        region.flushPending();
    }

    /** {@inheritDoc} Unflushed appends are flushed first (one more fence if there are any). */
    @Override
    public void truncate() {
        region.flushPending();
        region.truncate();
    }

    @Override
    public int recover(RecordVisitor visitor) {
        region.beginRecovery();
        long position = region.head();
        long limit = region.limit();
        int records = 0;
        for (int count; (count = read(position, limit)) > 0; position += recordWords(count)) {
            visitor.visit(scratch, 0, count);
            records++;
        }
        scrub(position, limit);
        region.recovered(position);
        return records;
    }

    /**
     * Whether a valid record starts at the head: what {@link #recover} would find at least one
     * record. Reads only (usable on a read-only mapping), on an opened log before or instead of
     * its recovery; a snapshot if another process appends meanwhile.
     *
     * @return true if the log holds at least one record
     */
    public boolean hasRecords() {
        return read(region.head(), region.limit()) > 0;
    }

    /** Decodes the record at {@code position} into {@link #scratch}; @return its value count, or -1 */
    private int read(long position, long limit) {
        if (position >= limit) {
            return -1;
        }
        LogRegion.Cursor c = cursor.seek(position);
        long header = take(c);
        int count = header < 0 ? -1 : parseHeader(header, position, maxRecordWords);
        if (count < 0 || position + recordWords(count) > limit) {
            return -1;
        }
        long[] out = scratch(count);
        // Algorithm 3.1, decode: each value takes the remainder of one word and the start of the next.
        long remainder = 0;
        int remainderBits = 0;
        for (int i = 0; i < count; i++) {
            if (remainderBits == 0) {
                long w0 = take(c);
                long w1 = take(c);
                if ((w0 | w1) < 0) {
                    return -1;
                }
                out[i] = w0 | w1 << 63;
                remainder = w1 >>> 1;
                remainderBits = 62;
            } else {
                long w = take(c);
                if (w < 0) {
                    return -1;
                }
                out[i] = remainder | w << remainderBits;
                remainder = w >>> (64 - remainderBits);
                remainderBits--;
            }
        }
        return remainder == 0 ? count : -1;
    }

    /** @return the word's 63 data bits, or -1 if its torn bit is not its pass's */
    private long take(LogRegion.Cursor c) {
        long w = pm.getLong(c.offset);
        long bit = c.passBit;
        c.advance();
        return (w & TORN) == bit ? w & PAYLOAD : -1;
    }

    /** Gives every word in {@code [from, limit)} that carries its pass's torn bit the previous pass's bit. */
    private void scrub(long from, long limit) {
        LogRegion.Cursor c = cursor.seek(from);
        for (long p = from; p < limit; p++) {
            if ((pm.getLong(c.offset) & TORN) == c.passBit) {
                pm.setLong(c.offset, c.passBit ^ TORN);
            }
            c.advance();
        }
    }

    private long[] scratch(int count) {
        if (scratch.length < count) {
            scratch = new long[Math.max(count, Math.min(maxRecordWords, scratch.length * 2))];
        }
        return scratch;
    }

    @Override
    public long usedBytes() {
        return region.usedBytes();
    }

    @Override
    public long capacityBytes() {
        return region.capacityBytes();
    }

    @Override
    public int maxRecordWords() {
        return maxRecordWords;
    }
}
