package io.regionpm.alloc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.regionpm.alloc.sim.SimulatedMemory;
import io.regionpm.alloc.sim.SimulatedPowerLoss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PersistentMemoryTest {
    private static final long SIZE = 1L << 20;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = BackendKind.class, names = {"SIMULATED", "FILE", "SHM"})
    void atomicsAndBulkOperationsBehaveOnEveryBackEnd(BackendKind kind) {
        try (PoolFixture pool = PoolFixture.create(kind, dir, PoolSpec.of(SIZE))) {
            PersistentMemory pm = pool.memory();
            long at = pool.heap().descriptor().geometry().dataOffset();
            pm.setLongRelease(at, 5);
            assertThat(pm.compareAndSetLong(at, 4, 9)).isFalse();
            assertThat(pm.compareAndSetLong(at, 5, 9)).isTrue();
            assertThat(pm.getAndAddLong(at, 3)).isEqualTo(9);
            assertThat(pm.getAndBitwiseOrLong(at, 0x100)).isEqualTo(12);
            assertThat(pm.getAndBitwiseAndLong(at, ~0x4L)).isEqualTo(0x10C);
            assertThat(pm.getLongAcquire(at)).isEqualTo(0x108);
            pm.setIntVolatile(at + 8, 7);
            assertThat(pm.compareAndSetInt(at + 8, 7, -1)).isTrue();
            assertThat(pm.getAndAddInt(at + 8, 2)).isEqualTo(-1);
            assertThat(pm.getIntVolatile(at + 8)).isEqualTo(1);
            byte[] bytes = new byte[100];
            new Random(1).nextBytes(bytes);
            pm.write(bytes, 0, at + 16, 100);
            pm.copy(at + 16, at + 200, 100);
            byte[] back = new byte[100];
            pm.read(at + 200, back, 0, 100);
            assertThat(back).isEqualTo(bytes);
            pm.fill(at + 200, 100, (byte) 0);
            assertThat(pm.getLong(at + 200)).isZero();
            pm.persist(at, 300);
        }
    }

    @Test
    void badOffsetsArePoolCorruptionNeverIndexErrors() {
        try (SimulatedMemory sim = SimulatedMemory.create(SIZE)) {
            PersistentMemory pm = sim.memory();
            assertThatThrownBy(() -> pm.getLong(-8)).isInstanceOf(PoolCorruptedException.class)
                    .hasMessageContaining("offset -8");
            assertThatThrownBy(() -> pm.getLong(SIZE)).isInstanceOf(PoolCorruptedException.class);
            assertThatThrownBy(() -> pm.setLong(SIZE - 4, 1)).isInstanceOf(PoolCorruptedException.class);
            assertThatThrownBy(() -> pm.getLong(12)).isInstanceOf(PoolCorruptedException.class)
                    .hasMessageContaining("alignment 8");
            assertThatThrownBy(() -> pm.getInt(2)).isInstanceOf(PoolCorruptedException.class);
            assertThatThrownBy(() -> pm.copy(SIZE - 10, 0, 20)).isInstanceOf(PoolCorruptedException.class);
            assertThatThrownBy(() -> pm.read(Long.MAX_VALUE - 3, new byte[8], 0, 8))
                    .isInstanceOf(PoolCorruptedException.class);
            assertThatThrownBy(() -> pm.flush(0, SIZE + 1)).isInstanceOf(PoolCorruptedException.class);
            assertThat(sim.pendingWords()).as("nothing was written").isZero();
        }
    }

    @Test
    void simulatorKeepsFlushedAndDrainedWordsAndMayLoseTheRest() {
        try (SimulatedMemory sim = SimulatedMemory.create(4096)) {
            PersistentMemory pm = sim.memory();
            pm.setLong(0, 1);
            pm.persist(0, 8);
            pm.setLong(8, 2);
            pm.flush(8, 8);
            pm.setLong(16, 3);
            assertThat(sim.pendingWords()).isEqualTo(2);
            try (SimulatedMemory lost = sim.crashImageDurableOnly();
                 SimulatedMemory kept = sim.crashImageEverything()) {
                assertThat(lost.memory().getLong(0)).isEqualTo(1);
                assertThat(lost.memory().getLong(8)).isZero();
                assertThat(lost.memory().getLong(16)).isZero();
                assertThat(kept.memory().getLong(8)).isEqualTo(2);
                assertThat(kept.memory().getLong(16)).isEqualTo(3);
            }
            boolean sawLost = false;
            boolean sawKept = false;
            Random random = new Random(7);
            for (int i = 0; i < 64; i++) {
                try (SimulatedMemory image = sim.crashImage(random)) {
                    assertThat(image.memory().getLong(0)).isEqualTo(1);
                    sawLost |= image.memory().getLong(16) == 0;
                    sawKept |= image.memory().getLong(16) == 3;
                }
            }
            assertThat(sawLost && sawKept).as("random images keep some pending words and lose others").isTrue();
        }
    }

    @Test
    void simulatorStopsAtTheArmedPersistencePoint() {
        try (SimulatedMemory sim = SimulatedMemory.create(4096)) {
            PersistentMemory pm = sim.memory();
            sim.crashAtPoint(2);
            pm.setLong(0, 1);
            pm.flush(0, 8);
            assertThatThrownBy(pm::drain).isInstanceOf(SimulatedPowerLoss.class);
            try (SimulatedMemory image = sim.crashImageDurableOnly()) {
                assertThat(image.memory().getLong(0)).as("the drain did not happen").isZero();
            }
        }
    }

    @Test
    void futexWaitReportsChangedValueAndTimeout() {
        try (PoolFixture pool = PoolFixture.create(BackendKind.SHM, dir, PoolSpec.of(SIZE))) {
            PersistentMemory pm = pool.memory();
            long word = pool.heap().descriptor().geometry().dataOffset();
            pm.setIntVolatile(word, 1);
            assertThat(pm.futexWait(word, 0, Duration.ofSeconds(5))).isEqualTo(FutexResult.VALUE_CHANGED);
            assertThat(pm.futexWait(word, 1, Duration.ofMillis(20))).isEqualTo(FutexResult.TIMED_OUT);
            assertThat(pm.futexWake(word, 1)).isZero();
        }
    }
}
