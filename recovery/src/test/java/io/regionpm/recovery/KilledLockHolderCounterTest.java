package io.regionpm.recovery;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.alloc.PoolFile;
import io.regionpm.alloc.PoolSpec;
import io.regionpm.testkit.ChildJvm;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two JVMs increment one counter under one pool lock; one is killed while it holds the lock
 * in the middle of an increment (its in-place write already made). The other takes the lock
 * over after recovering the dead lane and finishes: the final counter equals the number of
 * increments that returned, and each JVM's own count (written in the same transactions)
 * agrees with what it reported.
 */
class KilledLockHolderCounterTest {
    private static final int SLOT_A = 11, SLOT_B = 12;

    @TempDir
    Path dir;

    @Test
    void theCounterEqualsTheIncrementsThatReturned() throws Exception {
        int n = Stress.scale(1_000, 20_000);
        int holdAfter = n / 4;
        Path pool = dir.resolve("counter.pool");
        PoolFile.create(pool, PoolSpec.of(8L << 20).withLanes(4)).close();
        int killedReturned;
        try (ChildJvm a = ChildJvm.start(TransactionChild.class, "count", pool.toString(), Integer.toString(n),
                Integer.toString(SLOT_A), "-1");
             ChildJvm b = ChildJvm.start(TransactionChild.class, "count", pool.toString(), Integer.toString(n),
                     Integer.toString(SLOT_B), Integer.toString(holdAfter))) {
            a.awaitLine("READY", Duration.ofSeconds(60));
            b.awaitLine("HOLD", Duration.ofSeconds(120));
            try (PoolFile file = PoolFile.open(pool); PoolRuntime rt = PoolRuntime.open(file, Duration.ofSeconds(10))) {
                long owner = TransactionChild.poolLock(rt).ownerAcquire();
                assertThat(owner).as("the lock is held when the holder is killed").isNotZero();
            }
            b.killHard();
            b.awaitExit(Duration.ofSeconds(30));
            killedReturned = lastIncrement(b.output());
            assertThat(a.awaitLine("DONE", Duration.ofSeconds(300))).isEqualTo("DONE " + n);
            assertThat(a.awaitExit(Duration.ofSeconds(30))).isZero();
        }
        assertThat(killedReturned).isEqualTo(holdAfter);
        try (PoolFile file = PoolFile.open(pool); PoolRuntime rt = PoolRuntime.open(file, Duration.ofSeconds(10))) {
            long shared = rt.memory().getLong(rt.root().slot(TransactionChild.SHARED_SLOT));
            long countA = rt.memory().getLong(rt.root().slot(SLOT_A));
            long countB = rt.memory().getLong(rt.root().slot(SLOT_B));
            System.out.println("KilledLockHolderCounterTest: counter " + shared + ", survivor " + countA
                    + ", killed holder " + countB + " (returned " + killedReturned + ")");
            assertThat(countA).isEqualTo(n);
            assertThat(countB).isEqualTo(killedReturned);
            assertThat(shared).isEqualTo(n + (long) killedReturned);
            assertThat(TransactionChild.poolLock(rt).ownerAcquire()).isZero();
        }
    }

    private static int lastIncrement(String output) {
        int last = 0;
        for (String line : output.split("\n")) {
            if (line.startsWith("INC ")) {
                last = Integer.parseInt(line.substring(4).trim());
            }
        }
        return last;
    }
}
