package io.regionpm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.regionpm.alloc.PmsyncStore;
import io.regionpm.alloc.PoolException;
import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.core.PoolStats;
import io.regionpm.hash.PersistentHashMap;

/**
 * The quick demo ({@code ./pcw demo [pool-path]}): puts a million random {@code long} keys with
 * 64-byte values into a {@link PersistentHashMap} on a new pool, reads them all back, and does
 * the same with a MapDB 3.1.0 {@code HTreeMap} on an mmap file in the same directory, then
 * prints both rates and their ratio. Not a substitute for the JMH figures in
 * docs/benchmarks.md (no forks, one short run), but the same work on both sides.
 *
 * <p>Default pool: {@code /dev/shm/pcollections-demo.pool} with durability NONE (MapDB
 * without transactions syncs nothing either). On any other path the pool is PMSYNC and the
 * demo calls {@code pmsync()} once at the end of the puts (counted in their time); MapDB still
 * runs without transactions and never syncs, so that comparison favours MapDB.
 *
 * <p>The pool is left in place afterwards. A later run deletes it only if it is a valid pool
 * holding this demo's map; it never deletes anything else. Each timed phase stops early after
 * {@value #PHASE_BUDGET_SECONDS} s, and says so.
 */
public final class Demo {
    private static final int COUNT = 1_000_000;
    private static final int VALUE_BYTES = 64;
    private static final long POOL_BYTES = 512L << 20;
    private static final String MAP = "pcollections-demo";
    private static final int PHASE_BUDGET_SECONDS = 20;
    private static final long PHASE_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(PHASE_BUDGET_SECONDS);

    private Demo() {
    }

    /**
     * @param args optional pool path (default {@code /dev/shm/pcollections-demo.pool} where
     *             {@code /dev/shm} exists, else {@code ./demo.pool})
     * @throws IOException if the file system fails
     */
    public static void main(String[] args) throws IOException {
        Path path = Path.of(args.length > 0 ? args[0] : defaultPool()).toAbsolutePath();
        if (!prepare(path)) {
            System.exit(1);
            return;
        }
        long[] keys = new SplittableRandom(42).longs(COUNT).toArray();
        byte[] value = new byte[VALUE_BYTES];
        Durability durability = path.startsWith("/dev/shm") ? Durability.NONE : Durability.PMSYNC;
        Result[] ours = runOurs(path, durability, keys, value);
        Result[] mapdb = runMapDb(path.getParent(), keys, value);
        System.out.println();
        System.out.printf(Locale.ROOT, "%,d random long keys -> %d-byte values%n", COUNT, VALUE_BYTES);
        System.out.printf(Locale.ROOT, "  %-44s %14s %14s%n", "", "puts/s", "gets/s");
        System.out.printf(Locale.ROOT, "  %-44s %,14.0f %,14.0f%n", "PersistentHashMap (" + durability + ", " + ours[0].note + ")",
                ours[0].rate(), ours[1].rate());
        if (mapdb == null) {
            System.out.println("  MapDB HTreeMap: not run (MapDB is not on the class path)");
            return;
        }
        System.out.printf(Locale.ROOT, "  %-44s %,14.0f %,14.0f%n", "MapDB 3.1.0 HTreeMap (mmap, no transactions)",
                mapdb[0].rate(), mapdb[1].rate());
        System.out.printf(Locale.ROOT, "  %-44s %13.1fx %13.1fx%n", "ours / MapDB", ours[0].rate() / mapdb[0].rate(),
                ours[1].rate() / mapdb[1].rate());
        System.out.println("(one short run in one JVM; docs/benchmarks.md has the JMH figures, with Chronicle Map and more)");
    }

    private static String defaultPool() {
        return Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm/pcollections-demo.pool" : "demo.pool";
    }

    /** What one timed phase did. */
    private record Result(long ops, long nanos, String note) {
        double rate() {
            return ops * 1e9 / Math.max(1, nanos);
        }
    }

    private static Result[] runOurs(Path path, Durability durability, long[] keys, byte[] value) {
        try (Pool pool = Pool.open(path, PoolOptions.create(POOL_BYTES).withDurability(durability))) {
            System.out.printf(Locale.ROOT, "pool %s: %d MiB, durability %s, back end %s%n", path, POOL_BYTES >> 20,
                    durability, pool.stats().backend());
            PersistentHashMap<Long, byte[]> map = PersistentHashMap.open(pool, MAP, Codecs.LONG, Codecs.BYTES);
            long t0 = System.nanoTime();
            int n = 0;
            while (n < keys.length) {
                map.put(keys[n++], value);
                if ((n & 1023) == 0 && System.nanoTime() - t0 > PHASE_BUDGET_NANOS) {
                    break;
                }
            }
            pool.pmsync();
            Result puts = new Result(n, System.nanoTime() - t0, n < keys.length ? "stopped after " + PHASE_BUDGET_SECONDS + " s" : "SHADOW");
            report("PersistentHashMap.put", puts);
            t0 = System.nanoTime();
            long found = 0;
            for (int i = 0; i < n; i++) {
                found += map.get(keys[i]).length;
            }
            Result gets = new Result(n, System.nanoTime() - t0, "");
            report("PersistentHashMap.get", gets);
            PoolStats stats = pool.stats();
            System.out.printf(Locale.ROOT, "  %,d entries, %,d bytes of %,d used (%.0f bytes per entry), %d bytes read back%n",
                    map.size(), stats.usedBytes(), stats.dataBytes(), stats.usedBytes() / (double) Math.max(1, n), found);
            System.out.println("the pool is left at " + path + "; open it from another JVM, or the next ./pcw demo replaces it");
            return new Result[] {puts, gets};
        }
    }

    private static void report(String what, Result r) {
        System.out.printf(Locale.ROOT, "  %-24s %,10d in %,8.1f ms: %,12.0f/s%n", what, r.ops, r.nanos / 1e6, r.rate());
    }

    /** @return whether {@code path} is free to use (absent, or an earlier demo's pool, now deleted) */
    private static boolean prepare(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        boolean ours = false;
        boolean pmsync = false;
        if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            try (Pool pool = Pool.open(path)) {
                ours = pool.names().contains(MAP);
                pmsync = pool.durability() == Durability.PMSYNC;
            } catch (PoolException | IllegalStateException e) {
                ours = false;
            }
        }
        if (!ours) {
            System.err.println("demo: " + path + " exists and is not a pool left by this demo; not touching it. "
                    + "Pass another path: ./pcw demo /path/to/new.pool");
            return false;
        }
        if (pmsync) {
            PmsyncStore.discardWorkingImage(path, PmsyncStore.DEFAULT_WORK_DIR);
        }
        Files.delete(path);
        System.out.println("deleted " + path + ", the pool left by an earlier demo");
        return true;
    }

    // ---- MapDB ------------------------------------------------------------------------------

    private static Result[] runMapDb(Path dir, long[] keys, byte[] value) throws IOException {
        try {
            Class.forName("org.mapdb.DBMaker", false, Demo.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
        Path tmp = Files.createTempDirectory(dir, ".demo-mapdb-");
        try {
            Result[] r = MapDbRun.run(tmp.resolve("demo.mapdb"), keys, value, PHASE_BUDGET_NANOS);
            report("MapDB HTreeMap.put", r[0]);
            report("MapDB HTreeMap.get", r[1]);
            return r;
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
    private static final class MapDbRun {
        static Result[] run(Path file, long[] keys, byte[] value, long budgetNanos) {
            org.mapdb.DB db = org.mapdb.DBMaker.fileDB(file.toFile()).fileMmapEnable().make();
            try {
                org.mapdb.HTreeMap<Long, byte[]> map = db
                        .hashMap("demo", org.mapdb.Serializer.LONG, org.mapdb.Serializer.BYTE_ARRAY)
                        .createOrOpen();
                long t0 = System.nanoTime();
                int n = 0;
                while (n < keys.length) {
                    map.put(keys[n++], value);
                    if ((n & 1023) == 0 && System.nanoTime() - t0 > budgetNanos) {
                        break;
                    }
                }
                Result puts = new Result(n, System.nanoTime() - t0, "");
                t0 = System.nanoTime();
                long found = 0;
                for (int i = 0; i < n; i++) {
                    found += map.get(keys[i]).length;
                }
                Result gets = new Result(n, System.nanoTime() - t0, "");
                System.out.printf(Locale.ROOT, "  MapDB read back %,d bytes%n", found);
                return new Result[] {puts, gets};
            } finally {
                db.close();
            }
        }
    }
}
