package io.regionpm.alloc.process;

import java.nio.file.Path;

import io.regionpm.alloc.Heap;
import io.regionpm.alloc.Lane;
import io.regionpm.alloc.PoolFile;
import io.regionpm.alloc.PoolFullException;
import io.regionpm.testkit.ChildMain;

/**
 * A child JVM that fills a pool with blocks of one size through its lane, storing each in
 * the next slot of a slot array, until the pool is full or the array is. Prints
 * {@code FULL <blocks>}; then, as told by its last argument, either closes its heap and
 * exits 0 ({@code exit}) or waits to be killed ({@code stay}).
 *
 * <p>Arguments: {@code pool arrayOffset slots blockBytes exit|stay}.
 */
public final class FillChild {
    private FillChild() {
    }

    /** @param args see the class comment */
    public static void main(String[] args) throws InterruptedException {
        boolean stay;
        try {
            stay = run(args);
        } catch (Throwable t) {
            ChildMain.fail(t);
            return;
        }
        if (stay) {
            Thread.currentThread().join(); // until SIGKILL
        }
        System.exit(0);
    }

    private static boolean run(String[] args) {
        Path pool = Path.of(args[0]);
        long array = Long.parseLong(args[1]);
        int slots = Integer.parseInt(args[2]);
        long blockBytes = Long.parseLong(args[3]);
        boolean stay = switch (args[4]) {
            case "exit" -> false;
            case "stay" -> true;
            default -> throw new IllegalArgumentException("last argument must be exit or stay: " + args[4]);
        };
        PoolFile file = PoolFile.open(pool);
        Heap heap = Heap.attach(file);
        Lane lane = heap.acquireLane();
        int filled = 0;
        String why = "the slot array is full";
        try {
            while (filled < slots) {
                lane.allocate(blockBytes, array + 8L * filled);
                filled++;
            }
        } catch (PoolFullException e) {
            why = e.getMessage(); // the point: every superblock is now this lane's
        }
        System.out.println("FULL " + filled + " lane=" + lane.index() + ": " + why);
        if (!stay) {
            lane.close();
            heap.close();
            file.close();
        }
        return stay;
    }
}
