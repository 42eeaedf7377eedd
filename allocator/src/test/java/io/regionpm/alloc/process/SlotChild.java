package io.regionpm.alloc.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

import io.regionpm.alloc.Heap;
import io.regionpm.alloc.Lane;
import io.regionpm.alloc.PoolFile;
import io.regionpm.testkit.ChildMain;

/**
 * A child JVM that maps a pool and runs a {@link SlotWorker} over its slot array.
 *
 * <p>Arguments: {@code pool owner arrayOffset slots ops seed publication firstSeq start}.
 * {@code ops} of -1 means "until killed"; {@code start} is {@code now}, or {@code stdin}:
 * print {@code READY} and wait for the line {@code GO} on standard input (the parent's start
 * signal, so that several children begin at the same moment). Lines printed:
 * {@code VERIFIED <full slots>}, {@code READY},
 * {@code RUNNING lane=<index>}, then {@code DONE <ops> ...} and exit 0; on any failure
 * (a stamp mismatch included) {@code FAILED <reason>} and exit 2.
 */
public final class SlotChild {
    private SlotChild() {
    }

    /** @param args see the class comment */
    public static void main(String[] args) {
        ChildMain.run(() -> run(args));
    }

    private static void run(String[] args) throws IOException {
        Path pool = Path.of(args[0]);
        int owner = Integer.parseInt(args[1]);
        long array = Long.parseLong(args[2]);
        int slots = Integer.parseInt(args[3]);
        long ops = Long.parseLong(args[4]);
        long seed = Long.parseLong(args[5]);
        SlotWorker.Publication publication = SlotWorker.Publication.valueOf(args[6]);
        long firstSeq = Long.parseLong(args[7]);
        boolean awaitGo = switch (args[8]) {
            case "now" -> false;
            case "stdin" -> true;
            default -> throw new IllegalArgumentException("start must be now or stdin: " + args[8]);
        };

        PoolFile file = PoolFile.open(pool);
        Heap heap = Heap.attach(file);
        Lane lane = heap.acquireLane();
        SlotWorker worker = new SlotWorker(heap, lane, array, slots, owner, firstSeq, new Random(seed), publication);
        System.out.println("VERIFIED " + worker.verifyAll());
        if (awaitGo) {
            System.out.println("READY");
            awaitGo();
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

    /** Blocks until the parent sends {@code GO}. */
    private static void awaitGo() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        if (!"GO".equals(line)) {
            throw new IllegalStateException("expected GO on standard input, got " + line);
        }
    }
}
