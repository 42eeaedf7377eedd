package io.regionpm.core;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.alloc.PoolFullException;
import io.regionpm.core.spi.OutOfLineValues;
import io.regionpm.recovery.check.CheckReport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Large values out of line: round trips across reopen, refusal of a value larger than the pool, damage detected. */
class OutOfLineValuesTest {
    @TempDir
    Path dir;

    @Test
    void largeValuesRoundTripAcrossReopen() {
        Path p = dir.resolve("ool.pool");
        byte[] big = new byte[5 << 20];
        new Random(1).nextBytes(big);
        String text = "x\u00e9\uD83D\uDE00".repeat(100_000);
        long slotA;
        long slotB;
        try (Pool pool = Pool.open(p, PoolOptions.create(64L << 20).withLanes(4).withLaneLogBytes(64 << 10))) {
            slotA = pool.runtime().root().slot(100);
            slotB = pool.runtime().root().slot(101);
            pool.transaction(() -> {
                var tx = pool.runtime().current();
                tx.setLong(slotA, OutOfLineValues.store(tx, Codecs.BYTES, big));
                tx.setLong(slotB, OutOfLineValues.store(tx, Codecs.STRING, text));
            });
        }
        try (Pool pool = Pool.open(p)) {
            var rt = pool.runtime();
            assertThat(Arrays.equals(OutOfLineValues.load(rt, Codecs.BYTES, rt.memory().getLong(slotA)), big)).isTrue();
            assertThat(OutOfLineValues.load(rt, Codecs.STRING, rt.memory().getLong(slotB))).isEqualTo(text);
        }
    }

    @Test
    void aValueLargerThanThePoolIsRefusedBeforeAnythingChanges() {
        try (Pool pool = Pool.open(dir.resolve("small.pool"), PoolOptions.create(4L << 20).withLanes(4))) {
            long slot = pool.runtime().root().slot(100);
            long data = pool.runtime().geometry().dataBytes();
            pool.region("filler", data / 2);
            CheckReport before = pool.check();
            byte[] tooBig = new byte[8 << 20];
            assertThatThrownBy(() -> pool.transaction(() -> {
                var tx = pool.runtime().current();
                tx.setLong(slot, 1);
                tx.setLong(slot, OutOfLineValues.store(tx, Codecs.BYTES, tooBig));
            })).isInstanceOf(PoolFullException.class).hasMessageContaining("cannot fit in this pool");
            byte[] roomless = new byte[(int) (data * 3 / 4)];
            assertThatThrownBy(() -> pool.transaction(() -> {
                var tx = pool.runtime().current();
                tx.setLong(slot, OutOfLineValues.store(tx, Codecs.BYTES, roomless));
            })).isInstanceOf(PoolFullException.class);
            assertThat(pool.runtime().memory().getLong(slot)).isZero();
            CheckReport after = pool.check();
            assertThat(after.isClean()).as(after.toString()).isTrue();
            assertThat(after.allocatedBlocks()).isEqualTo(before.allocatedBlocks());
        }
    }

    @Test
    void damageIsReportedAsCorruption() {
        try (Pool pool = Pool.open(dir.resolve("bad.pool"), PoolOptions.create(8L << 20).withLanes(4))) {
            var rt = pool.runtime();
            long block = pool.transaction(() -> OutOfLineValues.store(rt.current(), Codecs.STRING, "hello"));
            rt.memory().setLong(block, 1L << 20);
            assertThatThrownBy(() -> OutOfLineValues.load(rt, Codecs.STRING, block))
                    .isInstanceOf(PoolCorruptedException.class).hasMessageContaining("does not fit");
            rt.memory().setLong(block, 5);
            rt.memory().setByte(block + OutOfLineValues.HEADER, (byte) 0xFF);
            assertThatThrownBy(() -> OutOfLineValues.load(rt, Codecs.STRING, block))
                    .isInstanceOf(PoolCorruptedException.class).hasMessageContaining("string-utf8");
            assertThatThrownBy(() -> OutOfLineValues.load(rt, Codecs.STRING, block + 8))
                    .isInstanceOf(PoolCorruptedException.class);
        }
    }
}
