package io.regionpm.recovery.log;

import io.regionpm.alloc.PersistentMemory;

/**
 * The checksum-framed raw word log (the "base" log that Mnemosyne's tornbit log is measured
 * against, with a checksum in place of a second fence): each record is a header word, the
 * values unchanged, and a 64-bit checksum word; a record is committed by one flush and one
 * fence.
 *
 * <p>Layout of one record at absolute position {@code p} (64-bit words; the record may wrap
 * from the end of the buffer to its start):
 * <pre>
 * | word    | field                                                                  |
 * |---------|------------------------------------------------------------------------|
 * | 0       | header: bits 0-23 value count L, 1 to 2^24 - 1;                        |
 * |         |         bits 24-63 the low 40 bits of p (the record's sequence)        |
 * | 1 .. L  | the L values, as given                                                 |
 * | L + 1   | checksum: {@code Checksum64} seeded with p, over the header and values |
 * </pre>
 *
 * <p>Recovery rule: starting at the durable head, a record is valid when its header's
 * sequence equals its position's low 40 bits (so a record left from an earlier pass, which
 * sits at a position one or more buffers earlier, never matches), its length is 1 to
 * {@link #maxRecordWords()}, it ends within one buffer of the head, and its checksum matches;
 * recovery stops at the first record that is not.
 *
 * <p>What it detects: any damage confined to one word of a record (a torn or missing write,
 * or any number of flipped bits in that word) always; any other damage with probability
 * 1 - 2<sup>-64</sup>. Recovery also zeroes every word beyond the tail that looks like a
 * header for its own position (an append a crash interrupted may have left complete records
 * there), so that such a record cannot be taken for one appended later.
 *
 * <p>Cost: an append writes {@code L + 2} words and computes one checksum over them; a flush
 * is one flush of the written range and one drain. Thread-safety, process-safety and crash
 * behaviour: as {@link RecordLog} says (one writer thread and one process at a time).
 */
public final class ChecksumLog implements RecordLog {
    static final int COUNT_BITS = 24;
    static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    static final long SEQUENCE_MASK = (1L << (64 - COUNT_BITS)) - 1;

    private final PersistentMemory pm;
    private final LogRegion region;
    private final LogRegion.Cursor cursor;
    private final int maxRecordWords;
    private long[] scratch = new long[16];

    private ChecksumLog(LogRegion region) {
        this.pm = region.memory();
        this.region = region;
        this.cursor = region.cursor();
        this.maxRecordWords = (int) Math.min(COUNT_MASK, region.words() - 2);
    }

    /**
     * Initialises {@code [base, base + capacity)} as an empty checksum log, durably (zeroes
     * everywhere, then the header), and returns it ready for appends. Whatever the region
     * held is lost. A crash during the call leaves a region that {@link #open} refuses.
     *
     * @param pm       the pool's memory
     * @param base     the region's first byte, 8-byte aligned (64 recommended)
     * @param capacity the region's size in bytes, a multiple of 64, at least 128
     * @return the empty log
     * @throws IllegalArgumentException if the region is misaligned, too small or outside the pool
     */
    public static ChecksumLog format(PersistentMemory pm, long base, long capacity) {
        return new ChecksumLog(LogRegion.format(pm, base, capacity, LogRegion.CHECKSUM_MAGIC));
    }

    /**
     * Opens a region formatted by {@link #format}; the log must {@link #recover} next.
     * Changes nothing in the pool.
     *
     * @param pm       the pool's memory
     * @param base     the region's first byte, as formatted
     * @param capacity the region's size, as formatted
     * @return the log, not yet recovered
     * @throws io.regionpm.alloc.PoolFormatException    if the region is not a checksum log of this capacity
     * @throws io.regionpm.alloc.PoolCorruptedException if its header is damaged
     */
    public static ChecksumLog open(PersistentMemory pm, long base, long capacity) {
        return new ChecksumLog(LogRegion.open(pm, base, capacity, LogRegion.CHECKSUM_MAGIC));
    }

    /** @return the number of buffer words a record of {@code count} values occupies */
    static long recordWords(int count) {
        return count + 2L;
    }

    static long header(int count, long position) {
        return count | (position & SEQUENCE_MASK) << COUNT_BITS;
    }

    /** @return the value count of a header that is valid at {@code position}, or -1 */
    static int parseHeader(long header, long position, int max) {
        long count = header & COUNT_MASK;
        if (header >>> COUNT_BITS != (position & SEQUENCE_MASK) || count < 1 || count > max) {
            return -1;
        }
        return (int) count;
    }

    @Override
    public boolean append(long[] words, int from, int count) {
        region.checkAppend(words, from, count, maxRecordWords);
        long size = recordWords(count);
        if (!region.fits(size)) {
            return false;
        }
        LogRegion.Cursor c = cursor.seek(region.tail());
        long position = c.position;
        long header = header(count, position);
        put(c, header);
        for (int i = from, end = from + count; i < end; i++) {
            put(c, words[i]);
        }
        put(c, Checksum64.of(position, header, words, from, count));
        region.appended(size);
        return true;
    }

    private void put(LogRegion.Cursor c, long word) {
        pm.setLong(c.offset, word);
        c.advance();
    }

    @Override
    public void flush() {
        region.flushPending();
    }

    /** {@inheritDoc} One fence: the head word is written and persisted. */
    @Override
    public void truncate() {
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

    /** Reads and verifies the record at {@code position} into {@link #scratch}; @return its value count, or -1 */
    private int read(long position, long limit) {
        if (position >= limit) {
            return -1;
        }
        LogRegion.Cursor c = cursor.seek(position);
        long header = take(c);
        int count = parseHeader(header, position, maxRecordWords);
        if (count < 0 || position + recordWords(count) > limit) {
            return -1;
        }
        long[] out = scratch(count);
        for (int i = 0; i < count; i++) {
            out[i] = take(c);
        }
        return take(c) == Checksum64.of(position, header, out, 0, count) ? count : -1;
    }

    private long take(LogRegion.Cursor c) {
        long w = pm.getLong(c.offset);
        c.advance();
        return w;
    }

    /** Zeroes every word in {@code [from, limit)} that is a valid header for its own position. */
    private void scrub(long from, long limit) {
        LogRegion.Cursor c = cursor.seek(from);
        for (long p = from; p < limit; p++) {
            if (parseHeader(pm.getLong(c.offset), p, maxRecordWords) > 0) {
                pm.setLong(c.offset, 0);
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
