package io.regionpm.recovery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.alloc.PoolFile;
import io.regionpm.alloc.PoolSpec;
import io.regionpm.testkit.ChildJvm;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real process crashes: a child JVM runs transfer-model transactions under the pool lock and
 * is killed with SIGKILL at a random moment, again and again, while this JVM keeps the pool
 * open: when it next takes the lock it recovers the dead child's lane (redo or undo) and
 * finds the invariants intact; it also runs transactions of its own between kills.
 */
class KillMidTransactionTest {
    private static final List<String> CHILD_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto");

    @TempDir
    Path dir;

    @Test
    void aSurvivorRecoversEachKilledChildsLaneWhenItNextTakesTheLock() throws Exception {
        long seed = Seeds.seed("KillMidTransactionTest");
        Random random = new Random(seed);
        int kills = Stress.scale(50, 400);
        Path pool = dir.resolve("kill.pool");
        PoolFile.create(pool, PoolSpec.of(16L << 20).withLanes(8)).close();
        int heldAtKill = 0;
        int recoveredBefore;
        try (PoolFile file = PoolFile.open(pool); PoolRuntime rt = PoolRuntime.open(file, TransactionChild.TIMEOUT)) {
            TransferModel.setup(rt);
            RobustMutex lock = TransactionChild.poolLock(rt);
            recoveredBefore = rt.recoveredLanes();
            for (int k = 0; k < kills; k++) {
                try (ChildJvm child = ChildJvm.start(CHILD_FLAGS, TransactionChild.class, "transfer", pool.toString(),
                        Long.toString(random.nextLong()))) {
                    child.awaitLine("READY", Duration.ofSeconds(60));
                    Thread.sleep(random.nextInt(80));
                    child.killHard();
                    child.awaitExit(Duration.ofSeconds(30));
                }
                if (lock.ownerAcquire() != 0) {
                    heldAtKill++;
                }
                String where = "seed " + seed + ", kill " + (k + 1);
                rt.transaction(() -> {
                    rt.current().lock(lock);
                    TransferModel.assertConsistent(rt, where);
                });
                for (int s = 0; s < 3; s++) {
                    TransferModel.step(rt, random, lock);
                }
            }
            int recovered = rt.recoveredLanes() - recoveredBefore;
            long byChildren = TransferModel.read(rt).committed() - 3L * kills;
            System.out.println("KillMidTransactionTest: " + kills + " kills, " + heldAtKill
                    + " while the child held the pool lock, " + recovered + " lanes recovered here, "
                    + TransferModel.read(rt).committed() + " transactions committed (at least " + byChildren
                    + " by the children)");
            assertThat(heldAtKill).as("kills that hit a transaction holding the lock").isGreaterThan(kills / 4);
            assertThat(recovered).as("dead lanes recovered by the survivor").isGreaterThanOrEqualTo(heldAtKill);
        }
        try (PoolFile file = PoolFile.open(pool); PoolRuntime rt = PoolRuntime.open(file, TransactionChild.TIMEOUT)) {
            TransferModel.assertConsistent(rt, "reopened");
            System.out.println("KillMidTransactionTest: checker on the reopened pool: "
                    + TransferModel.assertCheckerClean(rt, "reopened"));
        }
    }
}
