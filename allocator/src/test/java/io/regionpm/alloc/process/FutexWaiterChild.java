package io.regionpm.alloc.process;

import java.nio.file.Path;
import java.time.Duration;

import io.regionpm.alloc.FutexResult;
import io.regionpm.alloc.PoolFile;
import io.regionpm.testkit.ChildMain;

/**
 * A child JVM that maps a pool, prints {@code WAITING} and sleeps in {@code futexWait} on a
 * 4-byte pool word expected to hold 0, for at most 60 s. Prints {@code RESULT <result>} and
 * exits 0 only if it was {@link FutexResult#WOKEN}, else 1 (2 on an exception).
 *
 * <p>Arguments: {@code pool wordOffset}.
 */
public final class FutexWaiterChild {
    private FutexWaiterChild() {
    }

    /** @param args pool path, word offset */
    public static void main(String[] args) {
        FutexResult result;
        try (PoolFile file = PoolFile.open(Path.of(args[0]))) {
            long word = Long.parseLong(args[1]);
            System.out.println("WAITING value=" + file.memory().getIntVolatile(word));
            result = file.memory().futexWait(word, 0, Duration.ofSeconds(60));
        } catch (Throwable t) {
            ChildMain.fail(t);
            return;
        }
        System.out.println("RESULT " + result);
        System.exit(result == FutexResult.WOKEN ? 0 : 1);
    }
}
