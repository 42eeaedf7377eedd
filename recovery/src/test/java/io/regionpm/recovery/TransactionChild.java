package io.regionpm.recovery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import io.regionpm.alloc.PoolFile;

/**
 * Child JVM for the process-crash tests. Modes:
 * <ul>
 *   <li>{@code transfer POOL SEED}: runs one transaction, prints READY, then runs transfer-model transactions under
 *       the pool lock until killed;</li>
 *   <li>{@code count POOL N SLOT HOLD_AFTER}: N increments of the shared counter (in place,
 *       undo-logged) and of its own root slot (redo-logged) under the pool lock, printing
 *       "INC i" after each returns; if HOLD_AFTER &ge; 0, the transaction after that many
 *       increments prints "HOLD" after its in-place write and sleeps until killed.</li>
 * </ul>
 */
public final class TransactionChild {
    static final int LOCK_SLOT = 4, SHARED_SLOT = 10;
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private TransactionChild() {
    }

    static RobustMutex poolLock(PoolRuntime rt) {
        return new RobustMutex(rt.memory(), rt.root().slot(LOCK_SLOT), rt.registry());
    }

    public static void main(String[] args) throws Exception {
        try (PoolFile file = PoolFile.open(Path.of(args[1])); PoolRuntime rt = PoolRuntime.open(file, TIMEOUT)) {
            RobustMutex lock = poolLock(rt);
            if (args[0].equals("transfer")) {
                Random random = new Random(Long.parseLong(args[2]));
                TransferModel.step(rt, random, lock);
                System.out.println("READY " + ProcessHandle.current().pid());
                while (true) {
                    TransferModel.step(rt, random, lock);
                }
            }
            int n = Integer.parseInt(args[2]);
            long mine = rt.root().slot(Integer.parseInt(args[3]));
            int holdAfter = Integer.parseInt(args[4]);
            System.out.println("READY " + ProcessHandle.current().pid());
            for (int i = 0; i < n; i++) {
                boolean hold = i == holdAfter;
                rt.transaction(() -> increment(rt, lock, mine, hold));
                System.out.println("INC " + (i + 1));
            }
            System.out.println("DONE " + n);
        }
    }

    static void increment(PoolRuntime rt, RobustMutex lock, long mine, boolean hold) {
        Transaction tx = rt.current();
        tx.lock(lock);
        long shared = rt.root().slot(SHARED_SLOT);
        tx.snapshot(shared, 8);
        rt.memory().setLong(shared, rt.memory().getLong(shared) + 1);
        tx.setLong(mine, tx.getLong(mine) + 1);
        if (hold) {
            System.out.println("HOLD");
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
