package io.regionpm.recovery.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No false positive and no false negative across wrap-around: a small log goes around its
 * buffer thousands of times (records of every length class, wrapping at every offset, the
 * torn bit flipping on every pass), and every reopen of the intact log recovers exactly the
 * live records, nothing less and nothing more.
 */
class RecordLogWrapAroundTest {
    private static final long BASE = 192;

    static Stream<Arguments> logs() {
        return Stream.of(LogKind.values()).flatMap(kind -> Stream.of(
                Arguments.of(kind, 512L),
                Arguments.of(kind, 4096L)));
    }

    @ParameterizedTest(name = "{0}, {1} bytes")
    @MethodSource("logs")
    void thousandsOfPassesRecoverEverything(LogKind kind, long capacity) {
        long seed = Seeds.seed("RecordLogWrapAroundTest." + kind + "." + capacity);
        Random random = new Random(seed);
        long targetPasses = Stress.scale(10_000, 200_000);
        try (PlainMemory mem = PlainMemory.create(BASE + capacity)) {
            RecordLog log = kind.format(mem.memory(), BASE, capacity);
            long bufferWords = log.capacityBytes() / Long.BYTES;
            int longest = Math.min(log.maxRecordWords(), 150);
            List<long[]> live = new ArrayList<>();
            long position = 0;
            int reopens = 0;
            while (position / bufferWords < targetPasses) {
                long[] record = Records.random(random, Records.length(random, longest));
                if (random.nextInt(50) == 0) {
                    log.truncate();
                    live.clear();
                }
                if (!log.append(record, 0, record.length)) {
                    log.truncate();
                    live.clear();
                    assertThat(log.append(record, 0, record.length)).as("append into an empty log").isTrue();
                }
                position += kind.recordWords(record.length);
                live.add(record);
                if (random.nextInt(4) != 0) {
                    log.flush();
                    if (random.nextInt(8) == 0) {
                        log = kind.open(mem.memory(), BASE, capacity);
                        Records.assertRecords(LogKind.recoverAll(log), live,
                                kind + " seed " + seed + " pass " + position / bufferWords);
                        reopens++;
                    }
                }
            }
            log.flush();
            Records.assertRecords(kind.reopen(mem.memory(), BASE, capacity), live, kind + " seed " + seed + " end");
            System.out.println("RecordLogWrapAroundTest " + kind + " " + capacity + ": " + position / bufferWords
                    + " passes, " + reopens + " reopens");
            assertThat(reopens).isGreaterThan(100);
        }
    }
}
