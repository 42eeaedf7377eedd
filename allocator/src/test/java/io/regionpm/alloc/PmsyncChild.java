package io.regionpm.alloc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.regionpm.alloc.internal.pmsync.DurableFile;
import io.regionpm.alloc.internal.pmsync.PmsyncStep;
import io.regionpm.testkit.ChildMain;

/**
 * A child JVM that opens a {@code PMSYNC} pool and obeys commands read from standard input,
 * stamping its own pages ({@link PmsyncPages}) inside operations in its lane.
 *
 * <p>Arguments: {@code pool workDir lane firstPage pages}. With
 * {@code -Dpmsync.haltAt=STEP} the process halts (as a kill would) when a pmsync reaches that
 * {@link PmsyncStep}, after printing {@code HALTING STEP}. Prints {@code READY} once open.
 * Commands and replies:
 * <ul>
 *   <li>{@code WRITE g}: one operation stamps every page with generation g; {@code WROTE g}</li>
 *   <li>{@code PMSYNC}: {@code PMSYNCED <sequence> <pages>}</li>
 *   <li>{@code HOLD}: enters the lane and stays inside; {@code HOLDING}</li>
 *   <li>{@code RELEASE}: exits it; {@code RELEASED}</li>
 *   <li>{@code LOOP}: operations with generations 1000, 1001, ... until killed, printing
 *       {@code DONE g} after every 16th</li>
 *   <li>{@code EXIT}: closes the store and exits 0</li>
 * </ul>
 * Any failure prints {@code FAILED <reason>} and exits 2.
 */
public final class PmsyncChild {
    private PmsyncChild() {
    }

    /** @param args see the class comment */
    public static void main(String[] args) {
        ChildMain.run(() -> run(args));
    }

    private static void run(String[] args) throws IOException {
        int lane = Integer.parseInt(args[2]);
        int first = Integer.parseInt(args[3]);
        int pages = Integer.parseInt(args[4]);
        String haltAt = System.getProperty("pmsync.haltAt", "");
        PmsyncStore store = PmsyncStore.open(Path.of(args[0]), Path.of(args[1]), DurableFile.CHANNELS, step -> {
            if (step.name().equals(haltAt)) {
                System.out.println("HALTING " + step);
                System.out.flush();
                Runtime.getRuntime().halt(3);
            }
        });
        System.out.println("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] cmd = line.split(" ");
            switch (cmd[0]) {
                case "WRITE" -> {
                    write(store, lane, first, pages, Long.parseLong(cmd[1]));
                    System.out.println("WROTE " + cmd[1]);
                }
                case "PMSYNC" -> {
                    PmsyncStats stats = store.pmsync();
                    System.out.println("PMSYNCED " + stats.sequence() + " " + stats.pages());
                }
                case "HOLD" -> {
                    store.enterOperation(lane);
                    System.out.println("HOLDING");
                }
                case "RELEASE" -> {
                    store.exitOperation(lane);
                    System.out.println("RELEASED");
                }
                case "LOOP" -> loop(store, lane, first, pages);
                case "EXIT" -> {
                    store.close();
                    return;
                }
                default -> throw new IllegalArgumentException("unknown command " + line);
            }
        }
    }

    private static void write(PmsyncStore store, int lane, int first, int pages, long gen) {
        store.enterOperation(lane);
        try {
            for (int p = first; p < first + pages; p++) {
                PmsyncPages.stamp(store.memory(), p, gen);
            }
        } finally {
            store.exitOperation(lane);
        }
    }

    private static void loop(PmsyncStore store, int lane, int first, int pages) {
        for (long gen = 1000; ; gen++) {
            write(store, lane, first, pages, gen);
            if (gen % 16 == 0) {
                System.out.println("DONE " + gen);
            }
        }
    }
}
