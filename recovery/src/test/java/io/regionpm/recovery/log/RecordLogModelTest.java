package io.regionpm.recovery.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Random appends (1 to 600 words), flushes, truncates and reopens applied to a log and to a
 * {@code java.util} list at once, over hundreds of passes around the buffer: every reopen
 * recovers exactly the records the model holds, and the log never writes outside its region.
 */
class RecordLogModelTest {
    private static final long BASE = 4096;
    private static final long CAPACITY = 64 * 1024;
    private static final long GUARD = 4096;
    private static final byte PATTERN = (byte) 0xA5;

    @ParameterizedTest
    @EnumSource(LogKind.class)
    void everyReopenRecoversExactlyTheFlushedRecords(LogKind kind) {
        long seed = Seeds.seed("RecordLogModelTest." + kind);
        Random random = new Random(seed);
        int operations = Stress.scale(30_000, 600_000);
        try (PlainMemory mem = PlainMemory.create(BASE + CAPACITY + GUARD)) {
            PersistentMemory pm = mem.memory();
            pm.fill(0, BASE, PATTERN);
            pm.fill(BASE + CAPACITY, GUARD, PATTERN);
            RecordLog log = kind.format(pm, BASE, CAPACITY);
            List<long[]> flushed = new ArrayList<>();
            List<long[]> pending = new ArrayList<>();
            long written = 0;
            int reopens = 0;
            for (int op = 0; op < operations; op++) {
                String context = kind + " seed " + seed + " op " + op;
                int dice = random.nextInt(100);
                if (dice < 60) {
                    long[] record = Records.random(random, 1 + random.nextInt(600));
                    long before = log.usedBytes();
                    if (!log.append(record, 0, record.length)) {
                        assertThat(before + Long.BYTES * LogKind.maxFootprint(record.length))
                                .as("%s: append refused though it fits", context).isGreaterThan(log.capacityBytes());
                        assertThat(log.usedBytes()).as("%s: refused append changed nothing", context).isEqualTo(before);
                        log.truncate();
                        flushed.clear();
                        pending.clear();
                        before = 0;
                        assertThat(log.append(record, 0, record.length)).as("%s: append after truncate", context).isTrue();
                    }
                    assertThat(log.usedBytes() - before).as("%s: bytes used by one record", context)
                            .isEqualTo(Long.BYTES * kind.recordWords(record.length));
                    written += kind.recordWords(record.length);
                    pending.add(record);
                } else if (dice < 85) {
                    log.flush();
                    flushed.addAll(pending);
                    pending.clear();
                } else if (dice < 90) {
                    log.truncate();
                    flushed.clear();
                    pending.clear();
                    assertThat(log.usedBytes()).isZero();
                } else {
                    if (dice < 97) {
                        log.flush();
                    }
                    // A process stop: on this memory every store is durable, flushed or not.
                    flushed.addAll(pending);
                    pending.clear();
                    long used = log.usedBytes();
                    log = kind.open(pm, BASE, CAPACITY);
                    Records.assertRecords(LogKind.recoverAll(log), flushed, context);
                    assertThat(log.usedBytes()).as("%s: used bytes after reopen", context).isEqualTo(used);
                    reopens++;
                }
            }
            log.flush();
            flushed.addAll(pending);
            Records.assertRecords(kind.reopen(pm, BASE, CAPACITY), flushed, kind + " seed " + seed + " final");
            long passes = written / (log.capacityBytes() / Long.BYTES);
            System.out.println("RecordLogModelTest " + kind + ": " + operations + " operations, " + reopens
                    + " reopens, " + passes + " passes");
            assertThat(passes).as("passes around the buffer").isGreaterThan(Stress.scale(200, 4000));
            assertUntouched(pm, 0, BASE);
            assertUntouched(pm, BASE + CAPACITY, GUARD);
        }
    }

    private static void assertUntouched(PersistentMemory pm, long from, long length) {
        for (long at = from; at < from + length; at++) {
            if (pm.getByte(at) != PATTERN) {
                fail("the log wrote byte %d, outside its region", at);
            }
        }
    }
}
