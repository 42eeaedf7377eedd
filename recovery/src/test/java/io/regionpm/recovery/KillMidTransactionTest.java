package io.regionpm.recovery;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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

    /** Where the pool lives: an msync'd file, or /dev/shm (no flush at all). */
    enum Where { FILE, SHM }

    @ParameterizedTest
    @EnumSource(Where.class)
    void aSurvivorRecoversEachKilledChildsLaneWhenItNextTakesTheLock(Where where) throws Exception {
        Path pool = where == Where.FILE ? dir.resolve("kill.pool")
                : Path.of("/dev/shm", "pcollections-kill-" + UUID.randomUUID() + ".pool");
        try {
            run(where, pool, where == Where.FILE ? Stress.scale(50, 400) : Stress.scale(25, 200));
        } finally {
            Files.deleteIfExists(pool);
        }
    }

    private static void run(Where where, Path pool, int kills) throws Exception {
        long seed = Seeds.seed("KillMidTransactionTest." + where);
        Random random = new Random(seed);
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
                String at = where + ", seed " + seed + ", kill " + (k + 1);
                rt.transaction(() -> {
                    rt.current().lock(lock);
                    TransferModel.assertConsistent(rt, at);
                });
                for (int s = 0; s < 3; s++) {
                    TransferModel.step(rt, random, lock);
                }
            }
            int recovered = rt.recoveredLanes() - recoveredBefore;
            long byChildren = TransferModel.read(rt).committed() - 3L * kills;
            System.out.println("KillMidTransactionTest " + where + ": " + kills + " kills, " + heldAtKill
                    + " while the child held the pool lock, " + recovered + " lanes recovered here, "
                    + TransferModel.read(rt).committed() + " transactions committed (at least " + byChildren
                    + " by the children)");
            assertThat(heldAtKill).as("kills that hit a transaction holding the lock").isGreaterThan(where == Where.FILE ? kills / 4 : kills / 8);
            assertThat(recovered).as("dead lanes recovered by the survivor").isGreaterThanOrEqualTo(heldAtKill);
        }
        try (PoolFile file = PoolFile.open(pool); PoolRuntime rt = PoolRuntime.open(file, TransactionChild.TIMEOUT)) {
            TransferModel.assertConsistent(rt, "reopened");
            System.out.println("KillMidTransactionTest: checker on the reopened pool: "
                    + TransferModel.assertCheckerClean(rt, "reopened"));
        }
    }
}
