package io.regionpm.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.alloc.PmsyncStore;
import io.regionpm.core.spi.CollectionHandle;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.testkit.ChildJvm;
import io.regionpm.testkit.TempTrees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * PMSYNC through the Pool: after a power loss (the working image discarded, the pool reopened
 * from its durable file) the pool is exactly as of the last pmsync, for one process and for two
 * JVMs writing at once; a reopen without power loss keeps everything.
 */
class PmsyncPoolTest {
    @TempDir
    Path dir;
    Path work;

    @BeforeEach
    void workDir() {
        work = TempTrees.newShmDirectory("pcollections-pmsync-test");
    }

    @AfterEach
    void removeWorkDir() {
        TempTrees.deleteTree(work);
    }

    private PoolOptions options() {
        return PoolOptions.create(16L << 20).withLanes(8).withDurability(Durability.PMSYNC).withWorkDir(work);
    }

    private static void write(Pool pool, String region, long value, long slotIndex) {
        MemorySegment r = pool.region(region, 8192);
        r.set(ValueLayout.JAVA_LONG, 0, value);
        r.set(ValueLayout.JAVA_LONG, 8184, -value);
        pool.markDirty(r, 0, 8192);
        long slot = pool.runtime().root().slot((int) slotIndex);
        pool.transaction(() -> pool.runtime().current().setLong(slot, value));
    }

    private static String read(Pool pool, String region, long slotIndex) {
        if (!pool.names().contains(region)) {
            return "none";
        }
        MemorySegment r = pool.region(region, 8192);
        return r.get(ValueLayout.JAVA_LONG, 0) + "," + r.get(ValueLayout.JAVA_LONG, 8184) + ","
                + pool.runtime().memory().getLong(pool.runtime().root().slot((int) slotIndex));
    }

    private void powerLoss(Path p) {
        assertThat(PmsyncStore.discardWorkingImage(p, work)).as("the working image was there").isTrue();
    }

    @Test
    void aPowerLossLeavesExactlyTheLastPmsync() {
        Path p = dir.resolve("pm.pool");
        try (Pool pool = Pool.open(p, options())) {
            assertThat(pool.stats().backend()).isEqualTo("PMSYNC");
            write(pool, "r", 1, 100);
            ChainType.build(pool, "c", 10);
            pool.pmsync();
            write(pool, "r", 2, 100);
            ChainType.build(pool, "d", 5);
            assertThatThrownBy(() -> pool.transaction(pool::pmsync)).isInstanceOf(IllegalStateException.class);
        }
        try (Pool pool = Pool.open(p, options())) {
            assertThat(read(pool, "r", 100)).as("no power loss: everything is there").isEqualTo("2,-2,2");
            assertThat(pool.names()).containsExactlyInAnyOrder("r", "c", "d");
        }
        powerLoss(p);
        try (Pool pool = Pool.open(p, options())) {
            assertThat(read(pool, "r", 100)).isEqualTo("1,-1,1");
            assertThat(pool.names()).containsExactlyInAnyOrder("r", "c");
            CollectionHandle c = pool.openCollection("c", ChainType.NAME, "", "", null, UpdateStrategy.IN_PLACE);
            assertThat(ChainType.length(pool, c.rootSlot())).isEqualTo(10);
            CheckReport report = pool.check();
            assertThat(report.isClean()).as(report.toString()).isTrue();
            assertThat(report.reachableBlocks()).isEqualTo(report.allocatedBlocks());
        }
    }

    /** Child: writes region "b" and root slot 101 (value 1), waits, writes them again (value 2), waits. */
    public static final class Writer {
        public static void main(String[] args) throws Exception {
            PoolOptions o = PoolOptions.create(16L << 20).withDurability(Durability.PMSYNC).withWorkDir(Path.of(args[1]));
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
            try (Pool pool = Pool.open(Path.of(args[0]), o)) {
                write(pool, "b", 1, 101);
                System.out.println("W1");
                in.readLine();
                write(pool, "b", 2, 101);
                System.out.println("W2");
                in.readLine();
            }
            System.out.println("CLOSED");
        }
    }

    @Test
    void twoJvmsWritesBeforeAPmsyncSurviveAPowerLossAndNoneAfter() {
        Path p = dir.resolve("two.pool");
        try (Pool pool = Pool.open(p, options());
             ChildJvm child = ChildJvm.start(Writer.class, p.toString(), work.toString())) {
            write(pool, "a", 1, 100);
            child.awaitLine("W1", Duration.ofSeconds(60));
            pool.pmsync();
            child.send("go");
            child.awaitLine("W2", Duration.ofSeconds(60));
            write(pool, "a", 2, 100);
            assertThat(read(pool, "b", 101)).as("the child's later writes are visible at once").isEqualTo("2,-2,2");
            child.send("bye");
            child.awaitLine("CLOSED", Duration.ofSeconds(60));
        }
        powerLoss(p);
        try (Pool pool = Pool.open(p, options())) {
            assertThat(read(pool, "a", 100)).isEqualTo("1,-1,1");
            assertThat(read(pool, "b", 101)).isEqualTo("1,-1,1");
            CheckReport report = pool.check();
            assertThat(report.isClean()).as(report.toString()).isTrue();
        }
    }
}
