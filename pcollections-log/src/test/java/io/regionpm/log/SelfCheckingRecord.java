package io.regionpm.log;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The records of the kill tests: record {@code (producer, seq)} is a pure function of the two,
 * so that a reader can tell a whole record from a torn, shifted or foreign one by rebuilding it.
 *
 * <pre>
 * | offset | size | field                                             |
 * |      0 |    4 | producer                                          |
 * |      4 |    8 | seq                                               |
 * |     12 |    4 | length of the whole record                        |
 * |     16 |  n-16| bytes drawn from a generator seeded by (producer, seq) |
 * </pre>
 *
 * Sizes vary: mostly small, a quarter up to 4 KiB, three in a hundred up to {@code large} bytes
 * (so that, over a run, many records cross a segment's end and force a skip).
 *
 * <p>Thread-safety: stateless.
 */
final class SelfCheckingRecord {
    static final int PRODUCER = 0, SEQ = 4, LENGTH = 12, HEADER = 16;

    private SelfCheckingRecord() {
    }

    /**
     * @param producer who appends it
     * @param seq      its number among the producer's records (from 0)
     * @param large    the largest size drawn
     * @return the record's bytes
     */
    static byte[] of(int producer, long seq, int large) {
        SplittableRandom random = new SplittableRandom(producer * 0x9E37_79B9_7F4A_7C15L ^ seq);
        int roll = random.nextInt(100);
        int size = roll < 70 ? HEADER + random.nextInt(200)
                : roll < 97 ? HEADER + random.nextInt(4096)
                : HEADER + random.nextInt(large - HEADER);
        byte[] record = new byte[size];
        ByteBuffer.wrap(record).putInt(PRODUCER, producer).putLong(SEQ, seq).putInt(LENGTH, size);
        for (int i = HEADER; i < size; i++) {
            record[i] = (byte) random.nextInt();
        }
        return record;
    }

    /**
     * @param record bytes read from the log
     * @param large  the largest size drawn
     * @return the record's producer and seq
     * @throws AssertionError if the bytes are not exactly {@link #of} their producer and seq
     */
    static long[] check(byte[] record, int large) {
        if (record.length < HEADER) {
            throw new AssertionError("a torn record: " + record.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(record);
        int producer = b.getInt(PRODUCER);
        long seq = b.getLong(SEQ);
        if (producer < 0 || seq < 0 || b.getInt(LENGTH) != record.length
                || !Arrays.equals(record, of(producer, seq, large))) {
            throw new AssertionError("a torn or foreign record: " + record.length + " bytes, producer " + producer
                    + ", seq " + seq + ", length field " + b.getInt(LENGTH));
        }
        return new long[] {producer, seq};
    }
}
