package io.regionpm.log;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;
import io.regionpm.testkit.TempTrees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Random appends, batched appends, reads and head truncations on a {@link PersistentLog} and
 * on an {@link ArrayList} oracle at once, in phases with the pool closed and reopened between
 * them; after each phase the log's records, positions, first and end positions equal the
 * oracle's and the pool checker is clean. The pool is small (128 KiB segments), so records
 * cross segment ends and truncation frees segments often.
 */
class LogModelTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> configurations() {
        return Stream.of(Arguments.of(Durability.NONE, Stress.scale(30_000, 1_000_000)),
                Arguments.of(Durability.SYNC, Stress.scale(3_000, 100_000)));
    }

    /** The oracle: the records kept, with their positions. */
    private final List<byte[]> values = new ArrayList<>();
    private final List<Long> positions = new ArrayList<>();
    private final List<Long> truncated = new ArrayList<>();
    private long head;

    @ParameterizedTest(name = "{0} {1} ops")
    @MethodSource("configurations")
    void logMatchesArrayListAcrossReopens(Durability durability, int ops) {
        long seed = Seeds.seed("LogModelTest." + durability);
        Random random = new Random(seed);
        Path dir = durability == Durability.NONE ? TempTrees.newShmDirectory("log-model") : tmp;
        Path file = dir.resolve("log.pool");
        int phases = 5;
        try {
            for (int phase = 0; phase < phases; phase++) {
                try (Pool pool = Pool.open(file, PoolOptions.create(32L << 20).withDurability(durability))) {
                    PersistentLog<byte[]> log = PersistentLog.open(pool, "events", Codecs.BYTES);
                    String where = "seed " + seed + " phase " + phase;
                    checkEquals(where + " start", log);
                    for (int i = 0; i < ops / phases; i++) {
                        step(random, log, where + " op " + i);
                    }
                    checkEquals(where + " end", log);
                    CheckReport report = pool.check();
                    assertThat(report.isClean()).as("%s: checker: %s", where, report).isTrue();
                }
            }
        } finally {
            if (durability == Durability.NONE) {
                TempTrees.deleteTree(dir);
            }
        }
    }

    private static byte[] value(Random random) {
        int n = switch (random.nextInt(40)) {
            case 0 -> 10_000 + random.nextInt(60_000);
            case 1 -> 0;
            default -> random.nextInt(300);
        };
        byte[] v = new byte[n];
        random.nextBytes(v);
        return v;
    }

    private void step(Random random, PersistentLog<byte[]> log, String where) {
        switch (random.nextInt(20)) {
            case 0, 1 -> appendAll(random, log, where);
            case 2 -> truncate(random, log, where);
            case 3, 4 -> {
                if (!positions.isEmpty()) {
                    int i = random.nextInt(positions.size());
                    assertThat(log.read(positions.get(i))).as(where + " read").isEqualTo(values.get(i));
                }
            }
            case 5 -> {
                if (!truncated.isEmpty()) {
                    long p = truncated.get(random.nextInt(truncated.size()));
                    assertThatThrownBy(() -> log.read(p)).as(where + " read truncated").isInstanceOf(NoSuchElementException.class);
                }
            }
            default -> {
                byte[] v = value(random);
                long end = log.endPosition();
                long p = log.append(v);
                assertThat(p).as(where + " append position").isGreaterThanOrEqualTo(end);
                assertThat(log.endPosition()).as(where + " end after append").isGreaterThan(p);
                values.add(v);
                positions.add(p);
            }
        }
    }

    private void appendAll(Random random, PersistentLog<byte[]> log, String where) {
        List<byte[]> batch = new ArrayList<>();
        for (int n = random.nextInt(6); n > 0; n--) {
            byte[] v = new byte[random.nextInt(500)];
            random.nextBytes(v);
            batch.add(v);
        }
        long first = log.appendAll(batch);
        try (LogReader<byte[]> r = log.reader(first)) {
            for (byte[] v : batch) {
                assertThat(r.hasNext()).as(where + " batch record there").isTrue();
                positions.add(r.position());
                assertThat(r.next()).as(where + " batch record").isEqualTo(v);
                values.add(v);
            }
        }
    }

    private void truncate(Random random, PersistentLog<byte[]> log, String where) {
        int keepFrom = values.isEmpty() ? 0 : random.nextInt(values.size() + 1);
        long to = keepFrom < positions.size() ? positions.get(keepFrom) : log.endPosition();
        log.truncateHead(to);
        truncated.addAll(positions.subList(0, keepFrom));
        positions.subList(0, keepFrom).clear();
        values.subList(0, keepFrom).clear();
        head = to;
        assertThat(log.firstPosition()).as(where + " head after truncation").isEqualTo(to);
    }

    private void checkEquals(String where, PersistentLog<byte[]> log) {
        assertThat(log.firstPosition()).as(where + " first position").isEqualTo(head);
        List<byte[]> seen = new ArrayList<>();
        log.forEach(seen::add);
        assertThat(seen).as(where + " iteration").containsExactlyElementsOf(values);
        assertThat(log.stream().count()).as(where + " stream").isEqualTo(values.size());
        try (LogReader<byte[]> r = log.reader(0)) {
            for (int i = 0; i < values.size(); i++) {
                assertThat(r.hasNext()).as(where + " reader has " + i).isTrue();
                assertThat(r.position()).as(where + " position " + i).isEqualTo(positions.get(i));
                assertThat(r.next()).as(where + " record " + i).isEqualTo(values.get(i));
            }
            assertThat(r.hasNext()).as(where + " reader at end").isFalse();
            assertThat(r.position()).as(where + " reader end position").isEqualTo(log.endPosition());
        }
    }
}
