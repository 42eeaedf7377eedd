package io.regionpm.recovery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolException;
import io.regionpm.alloc.PoolFile;
import io.regionpm.alloc.PoolSpec;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.recovery.check.CheckRoot;
import io.regionpm.recovery.check.WalkerRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Retired blocks wait in their lane's limbo while a reader that may reach them is active,
 * are freed by a later commit once it is gone, count as reachable for the checker, and a full
 * limbo overflows into pages (a commit never waits for readers) that later commits drain.
 */
class LimboTest {
    @TempDir
    Path dir;

    private PoolFile newPool() {
        Path p = dir.resolve("limbo.pool");
        PoolFile.create(p, PoolSpec.of(8L << 20).withLanes(2)).close();
        return PoolFile.open(p);
    }

    /** Publishes a new 64-byte node in root slot 0 and retires the previous one; returns the old one. */
    private static long replace(PoolRuntime rt) {
        return LimboPowerLossTest.replace(rt);
    }

    private static boolean allocated(PoolRuntime rt, long block) {
        boolean[] found = {false};
        rt.heap().forEachAllocated(b -> found[0] |= b == block);
        return found[0];
    }

    private static CheckReport check(PoolRuntime rt) {
        return LimboPowerLossTest.check(rt);
    }

    @Test
    void aRetiredBlockOutlivesTheReadersThatMayReachIt() {
        try (PoolFile file = newPool(); PoolRuntime rt = PoolRuntime.open(file, Duration.ofSeconds(5))) {
            PersistentMemory pm = rt.memory();
            replace(rt);
            long seen;
            long retired;
            try (ReaderEpochs.ReadGuard read = rt.enterRead()) {
                seen = pm.getLong(rt.root().slot(0));
                assertThat(read.epoch()).isPositive();
                retired = replace(rt);
                assertThat(retired).isEqualTo(seen);
                for (int i = 0; i < 5; i++) {
                    replace(rt);
                }
                assertThat(allocated(rt, seen)).as("the block a live reader reached is not freed").isTrue();
                assertThat(pm.getLong(seen)).as("and keeps its contents").isEqualTo(1);
                CheckReport report = check(rt);
                assertThat(report.isClean()).as(report.toString()).isTrue();
                assertThat(report.reachableBlocks()).isEqualTo(report.allocatedBlocks()).isEqualTo(7);
            }
            try (ReaderEpochs.ReadGuard later = rt.enterRead()) {
                assertThat(later.epoch()).isPositive();
                replace(rt);
                assertThat(allocated(rt, seen))
                        .as("freed by the first commit after the reader left, despite a reader that came after the retire")
                        .isFalse();
            }
            CheckReport report = check(rt);
            assertThat(report.isClean()).as(report.toString()).isTrue();
            assertThat(report.allocatedBlocks()).as("the current node and the ones retired while the later reader read")
                    .isEqualTo(2);
        }
    }

    @Test
    void aFullLimboOverflowsIntoPagesThatAreFreedOnceReadersLeave() {
        int retiredWhileRead = LaneLog.LIMBO_ENTRIES + 3 * LimboPage.CAPACITY + 7;
        try (PoolFile file = newPool(); PoolRuntime rt = PoolRuntime.open(file, Duration.ofMillis(300))) {
            replace(rt);
            ReaderEpochs.ReadGuard read = rt.enterRead();
            long firstRetired = 0;
            for (int i = 0; i < retiredWhileRead; i++) {
                long old = replace(rt); // never waits for the reader, never fails
                firstRetired = i == 0 ? old : firstRetired;
            }
            assertThat(allocated(rt, firstRetired)).as("retired under the reader: kept").isTrue();
            CheckReport report = check(rt);
            assertThat(report.isClean()).as(report.toString()).isTrue();
            int pages = (retiredWhileRead - LaneLog.LIMBO_ENTRIES + LimboPage.CAPACITY - 1) / LimboPage.CAPACITY;
            assertThat(report.allocatedBlocks()).as("the current node, every retired one, and the overflow pages")
                    .isEqualTo(1 + retiredWhileRead + pages);
            read.close();
            int commits = 0;
            while (check(rt).allocatedBlocks() > 2 && commits < 1_000) {
                replace(rt);
                commits++;
            }
            report = check(rt);
            assertThat(report.isClean()).as(report.toString()).isTrue();
            assertThat(report.allocatedBlocks()).as("once the reader left, everything retired is freed, pages too")
                    .isEqualTo(2);
            assertThat(commits).as("commits to drain %d retired blocks, %d per commit at least", retiredWhileRead,
                    LaneLimbo.DRAIN).isLessThanOrEqualTo(retiredWhileRead / LaneLimbo.DRAIN + pages + 2);
            assertThat(allocated(rt, firstRetired)).isFalse();
        }
    }

    @Test
    void overflowPagesSurviveAReopenAndAreDrainedAfterIt() {
        Path p = dir.resolve("reopen.pool");
        PoolFile.create(p, PoolSpec.of(8L << 20).withLanes(2)).close();
        try (PoolFile file = PoolFile.open(p); PoolRuntime rt = PoolRuntime.open(file, Duration.ofMillis(300))) {
            replace(rt);
            ReaderEpochs.ReadGuard read = rt.enterRead();
            for (int i = 0; i < LaneLog.LIMBO_ENTRIES + LimboPage.CAPACITY + 5; i++) {
                replace(rt);
            }
            read.close();
        }
        try (PoolFile file = PoolFile.open(p); PoolRuntime rt = PoolRuntime.open(file, Duration.ofMillis(300))) {
            CheckReport report = check(rt);
            assertThat(report.isClean()).as("pages and their blocks are roots, not leaks: " + report).isTrue();
            for (int i = 0; i < 200 && check(rt).allocatedBlocks() > 2; i++) {
                replace(rt);
            }
            assertThat(check(rt).allocatedBlocks()).isEqualTo(2);
        }
    }
}
