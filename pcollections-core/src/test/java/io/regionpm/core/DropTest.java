package io.regionpm.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.core.spi.CollectionHandle;
import io.regionpm.core.spi.CollectionTypes;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.testkit.ChildJvm;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code drop} is crash-atomic and leaks nothing: interrupted between batches (in-process) or
 * by SIGKILL at a random moment (child JVMs, on SYNC and on NONE pools: NONE is atomic
 * against process crashes too), the next open finishes it; the checker then finds
 * every allocated block reachable and nothing dangling.
 */
class DropTest {
    private static final int BLOCKS = 3_000;

    @TempDir
    Path dir;

    private static long allocatedBlocks(Pool pool) {
        long[] n = {0};
        pool.runtime().heap().forEachAllocated(b -> n[0]++);
        return n[0];
    }

    @Test
    void aDropInterruptedBetweenBatchesIsFinishedByTheNextOpen() {
        Path p = dir.resolve("drop.pool");
        try (Pool pool = Pool.open(p, PoolOptions.create(16L << 20).withLanes(4))) {
            ChainType.build(pool, "keep", 10);
            ChainType.build(pool, "gone", BLOCKS);
            ChainType.crashAfter.set(3);
            assertThatThrownBy(() -> pool.drop("gone")).hasMessageContaining("simulated death");
            assertThat(pool.names()).as("a dropping name is gone at once").containsExactly("keep");
            assertThat(allocatedBlocks(pool)).as("three batches freed, the rest waits")
                    .isGreaterThan(10 + BLOCKS - 3 * 256);
        } finally {
            ChainType.crashAfter.set(-1);
        }
        try (Pool pool = Pool.open(p)) {
            assertThat(pool.names()).containsExactly("keep");
            CheckReport report = pool.check();
            assertThat(report.isClean()).as(report.toString()).isTrue();
            assertThat(report.allocatedBlocks()).as("the kept chain and the directory entry").isEqualTo(11);
        }
    }

    /** Child: opens the pool and drops "gone", printing DROPPING first. */
    public static final class DropChild {
        public static void main(String[] args) {
            CollectionTypes.register(ChainType.INSTANCE);
            try (Pool pool = Pool.open(Path.of(args[0]), PoolOptions.create(16L << 20).withLockTimeout(Duration.ofSeconds(30)))) {
                System.out.println("DROPPING");
                pool.drop("gone");
                System.out.println("DROPPED");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Durability.class, names = {"SYNC", "NONE"})
    void aDropKilledAtARandomMomentLeaksNothing(Durability durability) throws Exception {
        long seed = Seeds.seed("DropTest.kill." + durability);
        Random random = new Random(seed);
        int kills = durability == Durability.SYNC ? Stress.scale(8, 60) : Stress.scale(4, 30);
        int finishedByReopen = 0;
        for (int k = 0; k < kills; k++) {
            Path p = dir.resolve("kill-" + durability + "-" + k + ".pool");
            try (Pool pool = Pool.open(p, PoolOptions.create(16L << 20).withLanes(4).withDurability(durability))) {
                ChainType.build(pool, "keep", 5);
                ChainType.build(pool, "gone", BLOCKS);
            }
            try (ChildJvm child = ChildJvm.start(DropChild.class, p.toString())) {
                child.awaitLine("DROPPING", Duration.ofSeconds(60));
                Thread.sleep(100 + random.nextInt(1500));
                child.killHard();
                child.awaitExit(Duration.ofSeconds(30));
            }
            try (Pool pool = Pool.open(p)) {
                String where = "seed " + seed + ", kill " + k;
                if (pool.names().contains("gone")) {
                    CollectionHandle h = pool.openCollection("gone", ChainType.NAME, "", "", null, UpdateStrategy.IN_PLACE);
                    assertThat(ChainType.length(pool, h.rootSlot())).as(where + ": a drop not begun leaves the chain whole")
                            .isEqualTo(BLOCKS);
                } else {
                    finishedByReopen++;
                }
                CheckReport report = pool.check();
                assertThat(report.isClean()).as(where + ": " + report).isTrue();
                assertThat(report.reachableBlocks()).as(where).isEqualTo(report.allocatedBlocks());
            }
        }
        System.out.println("DropTest " + durability + ": " + kills + " kills, " + finishedByReopen + " drops finished or completed");
    }
}
