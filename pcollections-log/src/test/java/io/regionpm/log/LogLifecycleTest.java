package io.regionpm.log;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.regionpm.alloc.PoolClosedException;
import io.regionpm.core.Codec;
import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.testkit.TempTrees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Opening, refusals, closing, dropping and waiting: a record or batch larger than a segment
 * is refused with nothing changed, a closed pool throws {@link PoolClosedException}, a wrong
 * strategy, type or codec is refused, records survive a reopen in every durability mode, a
 * dropped log leaves nothing behind, and {@link LogReader#poll} times out or wakes on an
 * append from another thread.
 */
class LogLifecycleTest {
    @TempDir
    Path tmp;
    /** PMSYNC working images go here (tmpfs), not into the default /dev/shm, and are deleted after each test. */
    private final Path work = TempTrees.newShmDirectory("log-lifecycle-work");

    @AfterEach
    void deleteWorkingImages() {
        TempTrees.deleteTree(work);
    }

    private Pool open(Durability durability, Path dir) {
        return Pool.open(dir.resolve("l.pool"), PoolOptions.create(64L << 20).withDurability(durability).withWorkDir(work));
    }

    @ParameterizedTest
    @EnumSource(value = Durability.class, names = {"SYNC", "NONE", "PMSYNC"})
    void recordsSurviveReopenInEveryDurabilityMode(Durability durability) {
        List<Long> positions = new ArrayList<>();
        try (Pool pool = open(durability, tmp)) {
            PersistentLog<String> log = PersistentLog.open(pool, "events", Codecs.STRING);
            for (int i = 0; i < 100; i++) {
                positions.add(log.append("record " + i));
            }
            positions.add(log.appendAll(List.of("batch a", "batch b")));
            if (durability == Durability.PMSYNC) {
                pool.pmsync();
            }
        }
        try (Pool pool = open(durability, tmp)) {
            PersistentLog<String> log = PersistentLog.open(pool, "events", Codecs.STRING);
            assertThat(log.read(positions.get(42))).isEqualTo("record 42");
            assertThat(log.read(positions.get(100))).isEqualTo("batch a");
            assertThat(log.stream().count()).isEqualTo(102);
            assertThat(pool.check().isClean()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Durability.class, names = {"SYNC", "NONE"})
    void aRecordOrBatchLargerThanASegmentIsRefusedWithNothingChanged(Durability durability) {
        try (Pool pool = open(durability, tmp)) {
            PersistentLog<byte[]> log = PersistentLog.open(pool, "events", Codecs.BYTES);
            log.append(new byte[10]);
            long end = log.endPosition();
            long segment = log.engine().segmentBytes();
            assertThatThrownBy(() -> log.append(new byte[(int) segment])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> log.appendAll(List.of(new byte[(int) segment / 2], new byte[(int) segment / 2])))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(log.endPosition()).isEqualTo(end);
            assertThat(log.stream().count()).isEqualTo(1);
            assertThat(pool.check().isClean()).isTrue();
            long p = log.append(new byte[64 << 10]);
            assertThat(log.read(p)).hasSize(64 << 10);
        }
    }

    @Test
    void aClosedPoolThrowsPoolClosedException() {
        Pool pool = open(Durability.NONE, tmp);
        PersistentLog<String> log = PersistentLog.open(pool, "events", Codecs.STRING);
        long p = log.append("x");
        LogReader<String> reader = log.reader(0);
        pool.close();
        assertThatThrownBy(() -> log.append("y")).isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(() -> log.appendAll(List.of("y"))).isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(() -> log.read(p)).isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(() -> log.reader(0)).isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(reader::hasNext).isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(() -> log.truncateHead(p)).isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(log::endPosition).isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(log::iterator).isInstanceOf(PoolClosedException.class);
    }

    @Test
    void aWrongStrategyTypeOrCodecIsRefused() {
        try (Pool pool = open(Durability.NONE, tmp)) {
            PersistentLog.open(pool, "events", Codecs.STRING, UpdateStrategy.APPEND);
            pool.region("raw", 64);
            assertThatThrownBy(() -> PersistentLog.open(pool, "other", Codecs.STRING, UpdateStrategy.SHADOW))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> PersistentLog.open(pool, "raw", Codecs.STRING)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> PersistentLog.open(pool, "events", Codecs.LONG)).isInstanceOf(IllegalStateException.class);
            assertThat(pool.names()).containsExactlyInAnyOrder("events", "raw");
        }
    }

    @Test
    void appendsInsideATransactionAreRefusedWithNothingChanged() {
        try (Pool pool = open(Durability.NONE, tmp)) {
            PersistentLog<String> log = PersistentLog.open(pool, "events", Codecs.STRING);
            long end = log.endPosition();
            assertThatThrownBy(() -> pool.transaction(() -> log.append("x"))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> pool.transaction(() -> log.appendAll(List.of("x")))).isInstanceOf(IllegalStateException.class);
            assertThat(log.endPosition()).isEqualTo(end);
            log.append("y");
            assertThat(log.stream().toList()).containsExactly("y");
        }
    }

    @Test
    void aDroppedLogLeavesNothingBehind() {
        try (Pool pool = open(Durability.NONE, tmp)) {
            long before = pool.stats().usedBytes();
            PersistentLog<byte[]> log = PersistentLog.open(pool, "events", Codecs.BYTES);
            for (int i = 0; i < 300; i++) {
                log.append(new byte[10_000]);
            }
            assertThat(pool.drop("events")).isTrue();
            assertThat(pool.names()).doesNotContain("events");
            assertThat(pool.check().isClean()).isTrue();
            assertThat(pool.stats().usedBytes()).isEqualTo(before);
        }
    }

    @Test
    void truncationFreesSegmentsAndRefusesAPositionInsideARecord() {
        try (Pool pool = open(Durability.NONE, tmp)) {
            PersistentLog<byte[]> log = PersistentLog.open(pool, "events", Codecs.BYTES);
            List<Long> positions = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                positions.add(log.append(new byte[10_000]));
            }
            long full = pool.stats().usedBytes();
            assertThatThrownBy(() -> log.truncateHead(positions.get(5) + 16)).isInstanceOf(IllegalArgumentException.class);
            log.truncateHead(positions.get(250));
            assertThat(pool.stats().usedBytes()).isLessThan(full);
            assertThat(log.firstPosition()).isEqualTo(positions.get(250));
            assertThat(log.stream().count()).isEqualTo(50);
            log.truncateHead(log.endPosition());
            assertThat(log.stream().count()).isZero();
            assertThat(pool.check().isClean()).isTrue();
        }
    }

    @Test
    void pollTimesOutThenWakesOnAnAppendFromAnotherThread() throws Exception {
        Path dir = TempTrees.newShmDirectory("log-poll");
        try (Pool pool = open(Durability.NONE, dir)) {
            PersistentLog<String> log = PersistentLog.open(pool, "events", Codecs.STRING);
            try (LogReader<String> reader = log.reader(log.endPosition())) {
                long start = System.nanoTime();
                assertThat(reader.poll(Duration.ofMillis(50))).isNull();
                assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
                CompletableFuture<Long> appended = CompletableFuture.supplyAsync(() -> {
                    try {
                        Thread.sleep(100); // the reader must be asleep in poll before the append
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return log.append("wake");
                });
                assertThat(reader.poll(Duration.ofSeconds(10))).isEqualTo("wake");
                assertThat(appended.get(10, TimeUnit.SECONDS)).isNotNegative();
            }
        } finally {
            TempTrees.deleteTree(dir);
        }
    }

    /** STRING, except that encoding "boom" fails after its size was taken (as a buggy codec would). */
    private static final class FailingCodec implements Codec<String> {
        @Override
        public String id() {
            return Codecs.STRING.id();
        }

        @Override
        public boolean orderPreserving() {
            return Codecs.STRING.orderPreserving();
        }

        @Override
        public int fixedSize() {
            return -1;
        }

        @Override
        public int encodedSize(String value) {
            return Codecs.STRING.encodedSize(value);
        }

        @Override
        public void encode(String value, MemorySegment dst, long offset) {
            if (value.equals("boom")) {
                throw new IllegalStateException("codec failure");
            }
            Codecs.STRING.encode(value, dst, offset);
        }

        @Override
        public String decode(MemorySegment src, long offset, int length) {
            return Codecs.STRING.decode(src, offset, length);
        }
    }

    @Test
    void anAppendWhoseEncodingFailsLeavesNoHoleThatBlocksReaders() {
        try (Pool pool = open(Durability.NONE, tmp)) {
            PersistentLog<String> log = PersistentLog.open(pool, "events", new FailingCodec());
            log.append("a");
            assertThatThrownBy(() -> log.append("boom")).hasMessage("codec failure");
            assertThatThrownBy(() -> log.appendAll(List.of("x", "boom"))).hasMessage("codec failure");
            log.append("b");
            try (LogReader<String> reader = log.reader(0)) {
                assertThat(reader.next()).isEqualTo("a");
                assertThat(reader.hasNext()).as("no wait at the failed append").isTrue();
                assertThat(reader.next()).isEqualTo("b");
            }
            assertThat(pool.check().isClean()).isTrue();
        }
    }
}
