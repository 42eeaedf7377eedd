package io.regionpm.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.regionpm.alloc.BackendKind;
import io.regionpm.alloc.Heap;
import io.regionpm.alloc.HeapStats;
import io.regionpm.alloc.Lane;
import io.regionpm.alloc.PoolException;
import io.regionpm.alloc.PoolFile;
import io.regionpm.alloc.PoolSpec;

/**
 * The quick demo ({@code ./pcw demo [pool-path]}): creates a pool, allocates a million
 * 64-byte blocks into the slots of a slot array, frees them, and prints the rates, the
 * heap's occupancy and the file's apparent and allocated sizes; then, for context, puts as
 * many 64-byte values into a MapDB 3.1.0 {@code HTreeMap} on an mmap file.
 *
 * <p>The pool is left in place afterwards. A later run deletes it only if it is a valid pool
 * holding this demo's marker block; it never deletes anything else. Each timed phase stops
 * early after {@value #PHASE_BUDGET_SECONDS} s (on an ordinary file every flush is an
 * {@code msync}, so a million durable allocations can take minutes), and says so.
 */
public final class Demo {
    private static final int COUNT = 1_000_000;
    private static final int BLOCK = 64;
    private static final long POOL_BYTES = 256L << 20;
    private static final int PHASE_BUDGET_SECONDS = 5;
    private static final long PHASE_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(PHASE_BUDGET_SECONDS);
    private static final byte[] MARKER = "io.regionpm demo pool: ./pcw demo may delete it\n"
            .getBytes(StandardCharsets.US_ASCII);

    private Demo() {
    }

    /**
     * @param args optional pool path (default {@code /dev/shm/pcollections-demo.pool} where
     *             {@code /dev/shm} exists, so that neither side syncs and the comparison with
     *             MapDB's non-transactional mmap store is like for like; else {@code ./demo.pool})
     * @throws IOException if the file system fails
     */
    public static void main(String[] args) throws IOException {
        Path path = Path.of(args.length > 0 ? args[0] : defaultPool());
        if (!prepare(path)) {
            System.exit(1);
            return;
        }
        Result alloc = runAllocator(path);
        Result mapdb = runMapDb(path.toAbsolutePath().getParent());
        System.out.println();
        System.out.println("allocator allocate+publish vs MapDB put (not the same work; the collections come in later releases):");
        System.out.printf(Locale.ROOT, "  allocator allocate(64, slot)  %,14.0f ops/s  (%s)%n", alloc.rate(), alloc.note);
        if (mapdb == null) {
            System.out.println("  MapDB HTreeMap.put            not run (MapDB is not on the class path)");
        } else {
            System.out.printf(Locale.ROOT, "  MapDB HTreeMap.put (64 B)     %,14.0f ops/s  (%s)%n", mapdb.rate(), mapdb.note);
            double ratio = alloc.rate() / mapdb.rate();
            System.out.printf(Locale.ROOT, "  ratio allocator / MapDB       %14.3gx%s%n", ratio,
                    ratio < 1 ? String.format(Locale.ROOT, " (MapDB %.0fx faster)", 1 / ratio) : "");
        }
        if (alloc.backend == BackendKind.FILE) {
            System.out.println("  (this pool is an ordinary file: each allocation msyncs its intent record, bitmap word and slot;");
            System.out.println("   MapDB without transactions never syncs. The default, ./pcw demo, runs both in /dev/shm)");
        }
    }

    private static String defaultPool() {
        return Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm/pcollections-demo.pool" : "demo.pool";
    }

    /** What one timed phase did. */
    private record Result(long ops, long nanos, String note, BackendKind backend) {
        double rate() {
            return ops * 1e9 / Math.max(1, nanos);
        }
    }

    // ---- the allocator ---------------------------------------------------------------------------

    private static Result runAllocator(Path path) throws IOException {
        Result allocated;
        try (PoolFile file = PoolFile.create(path, PoolSpec.of(POOL_BYTES))) {
            BackendKind kind = file.memory().backendKind();
            System.out.printf(Locale.ROOT, "pool %s: %d MiB, back end %s (%s), durability SYNC%n",
                    path, POOL_BYTES >> 20, kind, describe(kind));
            Heap heap = Heap.attach(file);
            try (Lane lane = heap.acquireLane()) {
                writeMarker(file, lane);
                long slots = lane.allocate((long) COUNT * 8, Lane.NO_SLOT);
                System.out.printf(Locale.ROOT, "slot array: %,d slots at offset %d%n", COUNT, slots);

                long t0 = System.nanoTime();
                int n = 0;
                while (n < COUNT) {
                    lane.allocate(BLOCK, slots + 8L * n);
                    n++;
                    if ((n & 1023) == 0 && System.nanoTime() - t0 > PHASE_BUDGET_NANOS) {
                        break;
                    }
                }
                long allocNanos = System.nanoTime() - t0;
                String note = (kind == BackendKind.SHM ? "SHM: atomic, flushes are no-ops"
                        : kind + ": durable on return") + (n < COUNT ? ", stopped after " + PHASE_BUDGET_SECONDS + " s" : "");
                allocated = new Result(n, allocNanos, note, kind);
                report("allocate(64, slot)", n, allocNanos);
                printStats("after allocating", heap.stats(), path);

                t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    lane.free(slots + 8L * i);
                }
                report("free(slot)", n, System.nanoTime() - t0);
                lane.freeBlock(slots);
            }
            printStats("after freeing", heap.stats(), path);
            heap.close();
        }
        System.out.println("the pool is left at " + path + " (holding only the demo's marker block); the next ./pcw demo replaces it");
        return allocated;
    }

    private static void writeMarker(PoolFile file, Lane lane) {
        long marker = lane.reserve(BLOCK);
        byte[] bytes = Arrays.copyOf(MARKER, BLOCK);
        file.memory().write(bytes, 0, marker, BLOCK);
        file.memory().flush(marker, BLOCK);
        lane.publish(marker, Lane.NO_SLOT);
    }

    /** @return whether {@code path} is free to use (absent, or an earlier demo's pool, now deleted) */
    private static boolean prepare(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) || !isDemoPool(path)) {
            System.err.println("demo: " + path + " exists and is not a pool left by this demo; not touching it. "
                    + "Pass another path: ./pcw demo /path/to/new.pool");
            return false;
        }
        Files.delete(path);
        System.out.println("deleted " + path + ", the pool left by an earlier demo");
        return true;
    }

    private static boolean isDemoPool(Path path) {
        try (PoolFile file = PoolFile.open(path)) {
            Heap heap = Heap.attach(file);
            boolean[] found = {false};
            byte[] head = new byte[MARKER.length];
            heap.forEachAllocated(block -> {
                if (!found[0] && heap.usableSize(block) >= MARKER.length) {
                    file.memory().read(block, head, 0, head.length);
                    found[0] = Arrays.equals(head, MARKER);
                }
            });
            heap.close();
            return found[0];
        } catch (PoolException | IllegalStateException e) {
            return false;
        }
    }

    private static String describe(BackendKind kind) {
        return switch (kind) {
            case SHM -> "tmpfs: flushes are no-ops, nothing survives a reboot";
            case FILE -> "ordinary file: every flush is msync(MS_SYNC)";
            case DAX -> "DAX with MAP_SYNC: flushes are cache-line write-backs";
            case PMSYNC -> "PMSYNC working image on tmpfs: flushes mark pages dirty, pmsync() makes them durable";
            case SIMULATED -> "power-loss simulator";
        };
    }

    private static void report(String what, long ops, long nanos) {
        System.out.printf(Locale.ROOT, "%-22s %,10d ops in %,8.1f ms = %,14.0f ops/s%n",
                what, ops, nanos / 1e6, ops * 1e9 / Math.max(1, nanos));
    }

    private static void printStats(String when, HeapStats s, Path path) {
        System.out.printf(Locale.ROOT, "heap %s: %,d blocks allocated (%,d bytes); superblocks %,d total, %,d free, "
                        + "%,d small, %,d large; lanes held here %d%n",
                when, s.allocatedBlocks(), s.allocatedBytes(), s.superblocks(), s.freeSuperblocks(),
                s.smallSuperblocks(), s.largeSuperblocks(), s.lanesHeldHere());
        System.out.printf(Locale.ROOT, "file: apparent size %,d bytes, allocated on disk %s%n",
                sizeOf(path), allocatedBytes(path));
    }

    private static long sizeOf(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            return -1;
        }
    }

    /** st_blocks * 512 through stat(1): Java has no portable attribute for it. */
    private static String allocatedBytes(Path path) {
        try {
            Process p = new ProcessBuilder("stat", "-c", "%b %B", path.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                return "unknown";
            }
            String[] f = out.split("\\s+");
            return String.format(Locale.ROOT, "%,d bytes", Long.parseLong(f[0]) * Long.parseLong(f[1]));
        } catch (IOException | RuntimeException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    // ---- MapDB, for context ------------------------------------------------------------------------

    private static Result runMapDb(Path dir) throws IOException {
        try {
            Class.forName("org.mapdb.DBMaker", false, Demo.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
        Path tmp = Files.createTempDirectory(dir, ".demo-mapdb-");
        try {
            Result r = MapDbPuts.run(tmp.resolve("demo.mapdb"), COUNT, BLOCK, PHASE_BUDGET_NANOS);
            System.out.println();
            report("MapDB HTreeMap.put", r.ops, r.nanos);
            return new Result(r.ops, r.nanos, "mmap file, no transactions, never synced"
                    + (r.ops < COUNT ? ", stopped after " + PHASE_BUDGET_SECONDS + " s" : ""), null);
        } finally {
            try (var files = Files.list(tmp)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(tmp);
        }
    }

    /** Kept apart so that Demo loads without MapDB on the class path. */
    private static final class MapDbPuts {
        static Result run(Path file, int count, int valueBytes, long budgetNanos) {
            org.mapdb.DB db = org.mapdb.DBMaker.fileDB(file.toFile()).fileMmapEnable().make();
            try {
                org.mapdb.HTreeMap<Long, byte[]> map = db
                        .hashMap("demo", org.mapdb.Serializer.LONG, org.mapdb.Serializer.BYTE_ARRAY)
                        .createOrOpen();
                byte[] value = new byte[valueBytes];
                long t0 = System.nanoTime();
                int n = 0;
                while (n < count) {
                    map.put((long) n, value);
                    n++;
                    if ((n & 1023) == 0 && System.nanoTime() - t0 > budgetNanos) {
                        break;
                    }
                }
                return new Result(n, System.nanoTime() - t0, "", null);
            } finally {
                db.close();
            }
        }
    }
}
