package io.regionpm.alloc;

import java.nio.file.Path;
import java.util.Random;

import io.regionpm.testkit.ChildMain;

/**
 * A child JVM that runs the allocator on a {@code PMSYNC} pool until it is killed: in one
 * lane, it allocates stamped blocks into root slots and frees them, each change one
 * operation, and pmsyncs every 40 changes. It continues from the slots it finds.
 *
 * <p>Arguments: {@code pool workDir seed}. Prints {@code RUNNING}, then around each pmsync
 * {@code SYNCING <versions>} before and {@code SYNCED} after, where {@code <versions>} lists
 * each slot's stamp version (0 for empty), so the parent knows the state each pmsync took.
 * {@code FAILED <reason>} and exit 2 on any failure.
 */
public final class PmsyncHeapChild {
    static final int SLOTS = 48;

    private PmsyncHeapChild() {
    }

    /** @param args pool, work directory, seed */
    public static void main(String[] args) {
        try {
            run(Path.of(args[0]), Path.of(args[1]), new Random(Long.parseLong(args[2])));
        } catch (Throwable t) {
            ChildMain.fail(t);
        }
    }

    /** @return the pool offset of root slot {@code i} */
    static long slot(PoolDescriptor d, int i) {
        return d.geometry().rootOffset() + 128 + 8L * i;
    }

    /** Writes the stamp of a block: version, slot, then a pattern to its end. */
    static void stamp(PersistentMemory pm, long block, long bytes, long version, int slot) {
        for (long w = 0; w < bytes / 8; w++) {
            pm.setLong(block + 8 * w, w == 0 ? version : w == 1 ? slot : version * 31 + w);
        }
        pm.flush(block, bytes);
    }

    /** @return the block's version if its stamp is whole, else -1 */
    static long stampOf(PersistentMemory pm, long block, long bytes, int slot) {
        long version = pm.getLong(block);
        for (long w = 1; w < bytes / 8; w++) {
            if (pm.getLong(block + 8 * w) != (w == 1 ? slot : version * 31 + w)) {
                return -1;
            }
        }
        return version;
    }

    static long bytesOf(long version) {
        return 16 + 8 * (version % 200);
    }

    private static void run(Path pool, Path workDir, Random random) {
        PmsyncStore store = PmsyncStore.open(pool, workDir);
        PersistentMemory pm = store.memory();
        store.enterOperation();
        Heap heap = Heap.attach(pm, pool.toString());
        Lane lane = heap.acquireLane();
        store.exitOperation();
        long[] versions = new long[SLOTS];
        long next = 1;
        for (int i = 0; i < SLOTS; i++) {
            long block = pm.getLong(slot(store.descriptor(), i));
            versions[i] = block == 0 ? 0 : pm.getLong(block);
            next = Math.max(next, versions[i] + 1);
        }
        System.out.println("RUNNING");
        for (long op = 1; ; op++) {
            int i = random.nextInt(SLOTS);
            store.enterOperation(lane.index());
            if (versions[i] == 0) {
                long version = next++;
                long block = lane.reserve(bytesOf(version));
                stamp(pm, block, bytesOf(version), version, i);
                lane.publish(block, slot(store.descriptor(), i));
                versions[i] = version;
            } else {
                lane.free(slot(store.descriptor(), i));
                versions[i] = 0;
            }
            store.exitOperation(lane.index());
            if (op % 40 == 0) {
                System.out.println("SYNCING " + join(versions));
                store.pmsync();
                System.out.println("SYNCED");
            }
        }
    }

    private static String join(long[] versions) {
        StringBuilder s = new StringBuilder();
        for (long v : versions) {
            s.append(s.isEmpty() ? "" : ",").append(v);
        }
        return s.toString();
    }
}
