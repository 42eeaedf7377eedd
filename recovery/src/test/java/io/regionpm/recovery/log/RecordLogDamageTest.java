package io.regionpm.recovery.log;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.testkit.Seeds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Injected damage to the last record of a log that has gone around its buffer a few times:
 * <ul>
 *   <li>a torn write (one word of the record keeps the previous pass's value) is detected by
 *       both logs: recovery stops before the record and keeps every earlier one;</li>
 *   <li>a single flipped bit anywhere in the record is detected by the checksum log; the
 *       tornbit log detects it in the torn bits, the header word and the last word's unused
 *       bits, and by design returns the record with that one bit changed when it is a data
 *       bit;</li>
 *   <li>after recovery from damage, the log goes on and the damaged record's space is reused;</li>
 *   <li>complete records an interrupted append left after a torn one are not resurrected
 *       when later records end exactly where they begin.</li>
 * </ul>
 */
class RecordLogDamageTest {
    private static final long BASE = 64;
    private static final long CAPACITY = 2048;
    private static final int[] LENGTHS = {1, 2, 3, 30, 62, 63, 64, 65, 126, 127, 200};

    @ParameterizedTest
    @EnumSource(LogKind.class)
    void aTornWriteInAnyWordIsDetected(LogKind kind) {
        long seed = Seeds.seed("RecordLogDamageTest.torn." + kind);
        Random random = new Random(seed);
        int trials = 0;
        for (int length : LENGTHS) {
            try (Setup s = new Setup(kind, random, length)) {
                for (long p = s.start; p < s.end; p++) {
                    long offset = s.offset(p);
                    long previous = s.before.memory().getLong(offset);
                    if (previous == s.after.memory().getLong(offset)) {
                        continue; // not damage: the word held this value already
                    }
                    try (PlainMemory image = s.after.copy()) {
                        image.memory().setLong(offset, previous);
                        s.assertStopsBefore(LogKind.recoverAll(kind.open(image.memory(), BASE, CAPACITY)), "seed " + seed + ", length " + length + ", torn word " + (p - s.start));
                        trials++;
                    }
                }
            }
        }
        assertThat(trials).as("torn words injected").isGreaterThan(450);
    }

    @ParameterizedTest
    @EnumSource(LogKind.class)
    void aFlippedBitIsDetectedWhereTheLogPromisesIt(LogKind kind) {
        long seed = Seeds.seed("RecordLogDamageTest.flip." + kind);
        Random random = new Random(seed);
        int detected = 0;
        int returnedWithOneBitChanged = 0;
        for (int length : LENGTHS) {
            try (Setup s = new Setup(kind, random, length)) {
                for (long p = s.start; p < s.end; p++) {
                    int word = (int) (p - s.start);
                    for (int bit = 0; bit < 64; bit++) {
                        String context = "seed " + seed + ", length " + length + ", word " + word + ", bit " + bit;
                        try (PlainMemory image = s.after.copy()) {
                            PersistentMemory pm = image.memory();
                            pm.setLong(s.offset(p), pm.getLong(s.offset(p)) ^ 1L << bit);
                            List<long[]> got = LogKind.recoverAll(kind.open(pm, BASE, CAPACITY));
                            int intact = s.records.size() - 1;
                            s.assertIntactPrefix(got, intact, context);
                            if (s.flipIsDetectable(word, bit)) {
                                assertThat(got.size()).as("%s: records recovered", context).isEqualTo(intact);
                                detected++;
                            } else {
                                assertThat(got.size()).as("%s: records recovered", context).isEqualTo(intact + 1);
                                assertThat(oneBitApart(got.getLast(), s.records.getLast()))
                                        .as("%s: a flipped data bit changes one bit of the record", context).isTrue();
                                returnedWithOneBitChanged++;
                            }
                        }
                    }
                }
            }
        }
        System.out.println("RecordLogDamageTest " + kind + ": " + detected + " flips detected, "
                + returnedWithOneBitChanged + " returned with one bit changed (tornbit data bits)");
        if (kind == LogKind.CHECKSUM) {
            assertThat(returnedWithOneBitChanged).isZero();
        } else {
            assertThat(returnedWithOneBitChanged).isPositive();
        }
    }

    @ParameterizedTest
    @EnumSource(LogKind.class)
    void theLogGoesOnAfterRecoveringFromDamage(LogKind kind) {
        long seed = Seeds.seed("RecordLogDamageTest.goesOn." + kind);
        Random random = new Random(seed);
        for (int length : LENGTHS) {
            try (Setup s = new Setup(kind, random, length);
                 PlainMemory image = s.after.copy()) {
                PersistentMemory pm = image.memory();
                long offset = s.offset(s.end - 1);
                long previous = s.before.memory().getLong(offset);
                pm.setLong(offset, previous != pm.getLong(offset) ? previous : previous ^ 1);
                RecordLog log = kind.open(pm, BASE, CAPACITY);
                List<long[]> expected = new ArrayList<>(LogKind.recoverAll(log));
                s.assertStopsBefore(expected, "seed " + seed + ", length " + length);
                for (int i = 0; i < 20; i++) {
                    long[] record = Records.random(random, 1 + random.nextInt(length));
                    if (!log.append(record, 0, record.length)) {
                        log.truncate();
                        expected.clear();
                        assertThat(log.append(record, 0, record.length)).isTrue();
                    }
                    log.flush();
                    expected.add(record);
                    Records.assertRecords(kind.reopen(image.copy().memory(), BASE, CAPACITY), expected,
                            "seed " + seed + ", length " + length + ", append " + i + " after damage");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(LogKind.class)
    void completeRecordsAfterATornOneAreNotResurrected(LogKind kind) {
        long seed = Seeds.seed("RecordLogDamageTest.resurrect." + kind);
        Random random = new Random(seed);
        for (int length : LENGTHS) {
            String context = "seed " + seed + ", length " + length;
            try (Setup s = new Setup(kind, random, 1)) {
                PersistentMemory pm = s.after.memory();
                RecordLog log = kind.open(pm, BASE, CAPACITY);
                List<long[]> kept = LogKind.recoverAll(log);
                if (log.usedBytes() + Long.BYTES * (LogKind.maxFootprint(length) + LogKind.maxFootprint(20)) > log.capacityBytes()) {
                    log.truncate();
                    kept.clear();
                }
                // B and C are appended; a crash keeps all of C but loses B's first word.
                long bStart = s.end;
                long[] b = Records.random(random, length);
                long[] c = Records.random(random, 1 + random.nextInt(20));
                long beforeB = pm.getLong(s.offset(bStart));
                assertThat(log.append(b, 0, b.length)).isTrue();
                assertThat(log.append(c, 0, c.length)).isTrue();
                pm.setLong(s.offset(bStart), beforeB);
                log = kind.open(pm, BASE, CAPACITY);
                Records.assertRecords(LogKind.recoverAll(log), kept, context + ": torn B");
                // D takes exactly B's place, so it ends where C begins.
                long[] d = Records.random(random, length);
                assertThat(log.append(d, 0, d.length)).isTrue();
                log.flush();
                List<long[]> expected = new ArrayList<>(kept);
                expected.add(d);
                Records.assertRecords(kind.reopen(pm, BASE, CAPACITY), expected, context + ": C must stay dead");
            }
        }
    }

    private static boolean oneBitApart(long[] a, long[] b) {
        if (a.length != b.length) {
            return false;
        }
        int bits = 0;
        for (int i = 0; i < a.length; i++) {
            bits += Long.bitCount(a[i] ^ b[i]);
        }
        return bits == 1;
    }

    /**
     * A log gone around its buffer a few times, ending with a record of {@code length} words:
     * {@code before} is the memory just before that record was appended, {@code after} just
     * after it was flushed, and {@code [start, end)} its positions.
     */
    private static final class Setup implements AutoCloseable {
        final LogKind kind;
        final List<long[]> records = new ArrayList<>();
        final PlainMemory before;
        final PlainMemory after;
        final long start;
        final long end;
        private final long bufferWords;

        Setup(LogKind kind, Random random, int length) {
            this.kind = kind;
            after = PlainMemory.create(BASE + CAPACITY);
            RecordLog log = kind.format(after.memory(), BASE, CAPACITY);
            bufferWords = log.capacityBytes() / Long.BYTES;
            long position = 0;
            int target = 3 + random.nextInt(3);
            while (position / bufferWords < target || records.size() < 3) {
                long[] record = Records.random(random, 1 + random.nextInt(40));
                if (!log.append(record, 0, record.length)) {
                    log.truncate();
                    records.clear();
                    assertThat(log.append(record, 0, record.length)).isTrue();
                }
                log.flush();
                records.add(record);
                position += kind.recordWords(record.length);
            }
            long[] last = Records.random(random, length);
            if (!fits(log, length)) {
                log.truncate();
                records.clear();
            }
            before = after.copy();
            start = position;
            assertThat(log.append(last, 0, last.length)).isTrue();
            log.flush();
            records.add(last);
            end = start + kind.recordWords(length);
            Records.assertRecords(kind.reopen(after.copy().memory(), BASE, CAPACITY), records, "undamaged");
        }

        private boolean fits(RecordLog log, int length) {
            return log.usedBytes() + Long.BYTES * kind.recordWords(length) <= log.capacityBytes();
        }

        long offset(long position) {
            return BASE + LogRegion.DATA + (position % bufferWords) * Long.BYTES;
        }

        /** Asserts that recovery returned every record but the last, intact. */
        void assertStopsBefore(List<long[]> got, String context) {
            assertIntactPrefix(got, records.size() - 1, context);
            assertThat(got.size()).as("%s: records recovered", context).isEqualTo(records.size() - 1);
        }

        /** Asserts that the first {@code count} records are intact. */
        void assertIntactPrefix(List<long[]> got, int count, String context) {
            assertThat(got.size()).as("%s: records recovered", context).isGreaterThanOrEqualTo(count);
            for (int i = 0; i < count; i++) {
                if (!Arrays.equals(got.get(i), records.get(i))) {
                    fail("%s: record %d before the damage differs", context, i);
                }
            }
        }

        /**
         * What each log promises for one flipped bit of the last record: the checksum log
         * detects all of them; the tornbit log detects a flipped torn bit, any flip in the
         * header word and a flip in the last word's unused (zero) bits, not a data bit.
         */
        boolean flipIsDetectable(int word, int bit) {
            if (kind == LogKind.CHECKSUM || bit == 63 || word == 0) {
                return true;
            }
            int length = records.getLast().length;
            int dataWords = (int) (end - start - 1);
            int unusedBits = 63 * dataWords - 64 * length;
            return word == dataWords && bit >= 63 - unusedBits;
        }

        @Override
        public void close() {
            before.close();
            after.close();
        }
    }
}
