package io.regionpm.alloc;

import java.nio.file.Path;
import java.util.Random;

import org.eclipse.collections.api.map.primitive.MutableIntLongMap;
import org.eclipse.collections.impl.map.mutable.primitive.IntLongHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Power loss on a {@code PMSYNC} pool (every store closed, the working files deleted as a
 * reboot does, the pool reopened): the pool is exactly as of the last pmsync; a reopen
 * without power loss continues on the working image with every change.
 */
class PmsyncPowerLossTest {
    private static final long POOL_BYTES = 8L << 20;

    @TempDir
    Path dir;

    private PmsyncFixture fx;
    private int first;

    @BeforeEach
    void createPool() {
        fx = PmsyncFixture.create(dir, POOL_BYTES, 8);
        first = fx.firstDataPage();
    }

    @AfterEach
    void deleteWorkingFiles() {
        fx.close();
    }

    @Test
    void afterPowerLossThePoolIsAsOfTheLastPmsyncAndLaterWritesAreAbsent() {
        try (PmsyncStore store = fx.open()) {
            assertThat(store.memory().backendKind()).isEqualTo(BackendKind.PMSYNC);
            for (int i = 0; i < 40; i++) {
                PmsyncPages.stamp(store.memory(), first + 3 * i, 1);
            }
            assertThat(store.dirtyPages()).isEqualTo(40);
            PmsyncStats stats = store.pmsync();
            assertThat(stats.pages()).isEqualTo(40);
            assertThat(stats.bytes()).isEqualTo(40 * 4096);
            assertThat(stats.joined()).isFalse();
            assertThat(store.dirtyPages()).isZero();
            assertThat(store.pmsyncs()).isEqualTo(stats.sequence()).isEqualTo(1);
            assertThat(store.pagesWritten()).isEqualTo(40);
            for (int i = 0; i < 60; i++) {
                PmsyncPages.stamp(store.memory(), first + 2 * i, 2);
            }
        }
        try (PmsyncStore store = fx.open()) {
            for (int i = 0; i < 60; i++) {
                assertThat(PmsyncPages.read(store.memory(), first + 2 * i)).as("page %d after a reopen without power loss",
                        first + 2 * i).isEqualTo(2);
            }
        }
        fx.powerLoss();
        try (PmsyncStore store = fx.open()) {
            for (int p = first; p < first + 130; p++) {
                long expected = (p - first) % 3 == 0 && p < first + 120 ? 1 : 0;
                assertThat(PmsyncPages.read(store.memory(), p)).as("page %d after power loss", p).isEqualTo(expected);
            }
            assertThat(store.dirtyPages()).isZero();
        }
    }

    @Test
    void randomWritesPmsyncsReopensAndPowerLossesAgreeWithAModel() {
        long seed = Seeds.seed("PmsyncPowerLossTest.model");
        Random random = new Random(seed);
        int pages = 256;
        MutableIntLongMap durable = new IntLongHashMap();
        MutableIntLongMap working = new IntLongHashMap();
        long gen = 0;
        int rounds = Stress.scale(30, 300);
        PmsyncStore store = fx.open();
        try {
            for (int round = 0; round < rounds; round++) {
                String context = "seed " + seed + " round " + round;
                for (int w = random.nextInt(50); w > 0; w--) {
                    int page = first + random.nextInt(pages);
                    PmsyncPages.stamp(store.memory(), page, ++gen);
                    working.put(page, gen);
                }
                switch (random.nextInt(4)) {
                    case 0 -> {
                        store.pmsync();
                        durable.clear();
                        durable.putAll(working);
                    }
                    case 1 -> {
                        store.close();
                        store = fx.open();
                        assertPages(store, working, pages, context + " (reopen)");
                    }
                    case 2 -> {
                        store.close();
                        fx.powerLoss();
                        store = fx.open();
                        working.clear();
                        working.putAll(durable);
                        assertPages(store, durable, pages, context + " (power loss)");
                    }
                    default -> assertPages(store, working, pages, context);
                }
            }
        } finally {
            store.close();
        }
    }

    private void assertPages(PmsyncStore store, MutableIntLongMap expected, int pages, String context) {
        for (int page = first; page < first + pages; page++) {
            assertThat(PmsyncPages.read(store.memory(), page)).as("%s: page %d", context, page)
                    .isEqualTo(expected.getIfAbsent(page, 0));
        }
    }

    @Test
    void aPmsyncWithNothingDirtyWritesNothing() {
        try (PmsyncStore store = fx.open()) {
            long before = fx.poolChecksum();
            PmsyncStats stats = store.pmsync();
            assertThat(stats.pages()).isZero();
            assertThat(stats.journalBytes()).isZero();
            assertThat(fx.poolChecksum()).isEqualTo(before);
            PmsyncPages.stamp(store.memory(), first, 5);
            assertThat(store.pmsync().sequence()).isEqualTo(stats.sequence() + 1);
        }
    }

    @Test
    void discardingTheWorkingImageIsRefusedWhileOpenAndFallsBackToTheLastPmsync() {
        try (PmsyncStore store = fx.open()) {
            PmsyncPages.stamp(store.memory(), first, 1);
            store.pmsync();
            PmsyncPages.stamp(store.memory(), first, 2);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> PmsyncStore.discardWorkingImage(fx.pool, fx.workDir))
                    .isInstanceOf(PoolException.class).hasMessageContaining("have the pool open");
        }
        assertThat(PmsyncStore.discardWorkingImage(fx.pool, fx.workDir)).isTrue();
        assertThat(PmsyncStore.discardWorkingImage(fx.pool, fx.workDir)).isFalse();
        try (PmsyncStore store = fx.open()) {
            assertThat(PmsyncPages.read(store.memory(), first)).isEqualTo(1);
        }
    }
}
