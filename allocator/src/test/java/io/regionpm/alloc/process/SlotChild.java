package io.regionpm.alloc.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.regionpm.alloc.Heap;
import io.regionpm.alloc.Lane;
import io.regionpm.alloc.PoolFile;

/**
 * A child JVM that maps a pool and runs a {@link SlotWorker} over its slot array.
 *
 * <p>Arguments: {@code pool owner arrayOffset slots ops seed publication firstSeq goFile}.
 * {@code ops} of -1 means "until killed"; {@code goFile} of {@code -} means "start at once",
 * otherwise the child prints {@code READY} and waits for that file to appear (the parent's
 * start signal). Lines printed: {@code VERIFIED <full slots>}, {@code READY},
 * {@code RUNNING lane=<index>}, then {@code DONE <ops> ...} and exit 0; on any failure
 * (a stamp mismatch included) {@code FAILED <reason>} and exit 2.
 */
public final class SlotChild {
    private static final long GO_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private SlotChild() {
    }

    /** @param args see the class comment */
    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable t) {
            System.out.println("FAILED " + t);
            t.printStackTrace();
            System.out.flush();
            System.exit(2);
        }
        System.exit(0);
    }

    private static void run(String[] args) {
        Path pool = Path.of(args[0]);
        int owner = Integer.parseInt(args[1]);
        long array = Long.parseLong(args[2]);
        int slots = Integer.parseInt(args[3]);
        long ops = Long.parseLong(args[4]);
        long seed = Long.parseLong(args[5]);
        SlotWorker.Publication publication = SlotWorker.Publication.valueOf(args[6]);
        long firstSeq = Long.parseLong(args[7]);
        String go = args[8];

        PoolFile file = PoolFile.open(pool);
        Heap heap = Heap.attach(file);
        Lane lane = heap.acquireLane();
        SlotWorker worker = new SlotWorker(heap, lane, array, slots, owner, firstSeq, new Random(seed), publication);
        System.out.println("VERIFIED " + worker.verifyAll());
        if (!"-".equals(go)) {
            System.out.println("READY");
            awaitFile(Path.of(go));
        }
        System.out.println("RUNNING lane=" + lane.index());
        long done = 0;
        while (ops < 0 || done < ops) {
            worker.step();
            done++;
        }
        int full = worker.verifyAll();
        lane.close();
        heap.close();
        file.close();
        System.out.println("DONE " + done + " " + worker.summary() + " full=" + full);
    }

    /** Waits for the parent's start signal: a condition polled, not a timed guess. */
    private static void awaitFile(Path go) {
        long deadline = System.nanoTime() + GO_TIMEOUT_NANOS;
        while (!Files.exists(go)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("no start signal " + go + " within 60 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
