package io.regionpm.recovery.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.alloc.PoolFormatException;
import io.regionpm.testkit.Seeds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract's edges: record sizes, the fence budget, the life cycle, bad regions and bad arguments. */
class RecordLogApiTest {
    private static final long BASE = 4096;
    private static final long CAPACITY = 64 * 1024;

    @ParameterizedTest
    @EnumSource(LogKind.class)
    void recordsOf8BytesTo4KiBAndEveryLengthUpTo200RoundTrip(LogKind kind) {
        Random random = new Random(Seeds.seed("RecordLogApiTest.sizes." + kind));
        long capacity = 256 * 1024;
        try (PlainMemory mem = PlainMemory.create(BASE + capacity)) {
            RecordLog log = kind.format(mem.memory(), BASE, capacity);
            List<long[]> expected = new ArrayList<>();
            for (int length = 1; length <= 200; length++) {
                expected.add(append(log, Records.random(random, length)));
            }
            expected.add(append(log, Records.random(random, 512)));
            expected.add(append(log, new long[512]));
            long[] ones = new long[512];
            java.util.Arrays.fill(ones, -1);
            expected.add(append(log, ones));
            log.flush();
            Records.assertRecords(kind.reopen(mem.memory(), BASE, capacity), expected, kind.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(LogKind.class)
    void theLongestRecordFitsAnEmptyLogAndOneWordMoreIsRefused(LogKind kind) {
        for (long capacity : new long[] {128, 192, 4096, 8192 + 64}) {
            try (PlainMemory mem = PlainMemory.create(capacity)) {
                RecordLog log = kind.format(mem.memory(), 0, capacity);
                int max = log.maxRecordWords();
                assertThat(max).as("capacity %d", capacity).isPositive();
                assertThat(Long.BYTES * kind.recordWords(max)).isLessThanOrEqualTo(log.capacityBytes());
                assertThat(Long.BYTES * kind.recordWords(max + 1)).isGreaterThan(log.capacityBytes());
                long[] record = Records.random(new Random(capacity), max + 1);
                assertThatThrownBy(() -> log.append(record, 0, max + 1)).isInstanceOf(IllegalArgumentException.class);
                assertThat(log.append(record, 0, max)).isTrue();
                assertThat(log.append(record, 0, 1)).as("the log is full").isFalse();
                log.flush();
                log.truncate();
                assertThat(log.append(record, 1, max)).isTrue();
                log.flush();
                Records.assertRecords(kind.reopen(mem.memory(), 0, capacity),
                        List.of(java.util.Arrays.copyOfRange(record, 1, max + 1)), "capacity " + capacity);
            }
        }
        assertThat(kind.recordWords(512) * Long.BYTES).as("a 4 KiB record fits a 8 KiB log").isLessThan(8192);
    }

    @ParameterizedTest
    @EnumSource(LogKind.class)
    void appendAndFlushCostOneDrainAndTruncateOne(LogKind kind) {
        try (PlainMemory mem = PlainMemory.create(BASE + CAPACITY)) {
            RecordLog log = kind.format(mem.memory(), BASE, CAPACITY);
            long[] record = new long[100];
            for (int i = 0; i < 2000; i++) {
                int drains = mem.drains();
                int flushes = mem.flushes();
                if (!log.append(record, 0, 1 + i % 100)) {
                    log.truncate();
                    assertThat(mem.drains() - drains).as("truncate after flush: one fence").isEqualTo(1);
                    drains = mem.drains();
                    flushes = mem.flushes();
                    assertThat(log.append(record, 0, 1 + i % 100)).isTrue();
                }
                log.flush();
                assertThat(mem.drains() - drains).as("append + flush: one fence").isEqualTo(1);
                assertThat(mem.flushes() - flushes).as("one flush, two where the record wraps").isBetween(1, 2);
            }
            int drains = mem.drains();
            log.flush();
            assertThat(mem.drains()).as("flush with nothing appended").isEqualTo(drains);
        }
    }

    @ParameterizedTest
    @EnumSource(LogKind.class)
    void theLifeCycleIsEnforced(LogKind kind) {
        try (PlainMemory mem = PlainMemory.create(BASE + CAPACITY)) {
            PersistentMemory pm = mem.memory();
            RecordLog formatted = kind.format(pm, BASE, CAPACITY);
            assertThatThrownBy(() -> formatted.recover((w, f, c) -> { })).isInstanceOf(IllegalStateException.class);
            assertThat(formatted.append(new long[] {7}, 0, 1)).isTrue();
            formatted.flush();
            RecordLog opened = kind.open(pm, BASE, CAPACITY);
            assertThatThrownBy(() -> opened.append(new long[] {1}, 0, 1)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(opened::flush).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(opened::truncate).isInstanceOf(IllegalStateException.class);
            RuntimeException boom = new RuntimeException("visitor failed");
            assertThatThrownBy(() -> opened.recover((w, f, c) -> {
                throw boom;
            })).isSameAs(boom);
            assertThat(LogKind.recoverAll(opened)).hasSize(1).first().isEqualTo(new long[] {7});
            assertThatThrownBy(() -> opened.recover((w, f, c) -> { })).isInstanceOf(IllegalStateException.class);
            assertThat(opened.usedBytes()).isEqualTo(formatted.usedBytes());
        }
    }

    @ParameterizedTest
    @EnumSource(LogKind.class)
    void badArgumentsChangeNothing(LogKind kind) {
        try (PlainMemory mem = PlainMemory.create(BASE + CAPACITY)) {
            RecordLog log = kind.format(mem.memory(), BASE, CAPACITY);
            long[] words = new long[10];
            assertThatThrownBy(() -> log.append(words, 0, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> log.append(words, 5, 6)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> log.append(words, -1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> log.append(null, 0, 1)).isInstanceOf(NullPointerException.class);
            assertThat(log.usedBytes()).isZero();
            assertThatThrownBy(() -> kind.format(mem.memory(), BASE, 100)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> kind.format(mem.memory(), BASE, 64)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> kind.format(mem.memory(), BASE + 4, 1024)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> kind.format(mem.memory(), BASE, CAPACITY + 64)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> kind.open(mem.memory(), -8, 1024)).isInstanceOf(IllegalArgumentException.class);
            assertThat(kind.reopen(mem.memory(), BASE, CAPACITY)).isEmpty();
        }
    }

    @Test
    void openingTheWrongRegionIsAFormatError() {
        try (PlainMemory mem = PlainMemory.create(BASE + CAPACITY)) {
            PersistentMemory pm = mem.memory();
            assertThatThrownBy(() -> TornbitLog.open(pm, BASE, CAPACITY))
                    .isInstanceOf(PoolFormatException.class).hasMessageContaining("unformatted region");
            TornbitLog.format(pm, BASE, CAPACITY);
            assertThatThrownBy(() -> ChecksumLog.open(pm, BASE, CAPACITY))
                    .isInstanceOf(PoolFormatException.class).hasMessageContaining("is not a checksum log: tornbit log");
            assertThatThrownBy(() -> TornbitLog.open(pm, BASE, CAPACITY / 2))
                    .isInstanceOf(PoolFormatException.class).hasMessageContaining(CAPACITY + " bytes");
            ChecksumLog.format(pm, BASE, CAPACITY);
            assertThatThrownBy(() -> TornbitLog.open(pm, BASE, CAPACITY))
                    .isInstanceOf(PoolFormatException.class).hasMessageContaining("is not a tornbit log: checksum log");
        }
    }

    @ParameterizedTest
    @EnumSource(LogKind.class)
    void aDamagedLogHeaderIsDetected(LogKind kind) {
        try (PlainMemory mem = PlainMemory.create(BASE + CAPACITY)) {
            PersistentMemory pm = mem.memory();
            RecordLog log = kind.format(pm, BASE, CAPACITY);
            log.append(new long[] {1, 2, 3}, 0, 3);
            log.flush();
            log.truncate();
            for (long field : new long[] {LogRegion.CHECK, LogRegion.HEAD}) {
                for (int bit = 0; bit < 64; bit++) {
                    try (PlainMemory image = mem.copy()) {
                        PersistentMemory damaged = image.memory();
                        damaged.setLong(BASE + field, damaged.getLong(BASE + field) ^ 1L << bit);
                        assertThatThrownBy(() -> kind.open(damaged, BASE, CAPACITY))
                                .as("field %d bit %d", field, bit).isInstanceOf(PoolCorruptedException.class);
                    }
                }
            }
            assertThat(kind.reopen(pm, BASE, CAPACITY)).isEmpty();
        }
    }

    @Test
    void theChecksumSeesEveryOneWordChange() {
        Random random = new Random(Seeds.seed("RecordLogApiTest.checksum"));
        for (int trial = 0; trial < 20_000; trial++) {
            long[] words = Records.random(random, 1 + random.nextInt(20));
            long seed = random.nextLong();
            long header = random.nextLong();
            long sum = Checksum64.of(seed, header, words, 0, words.length);
            int at = random.nextInt(words.length + 1);
            long change = random.nextBoolean() ? 1L << random.nextInt(64) : random.nextLong() | 1;
            long got;
            if (at == words.length) {
                got = Checksum64.of(seed, header ^ change, words, 0, words.length);
            } else {
                words[at] ^= change;
                got = Checksum64.of(seed, header, words, 0, words.length);
            }
            assertThat(got).isNotEqualTo(sum);
        }
    }

    private static long[] append(RecordLog log, long[] record) {
        assertThat(log.append(record, 0, record.length)).isTrue();
        return record;
    }
}
