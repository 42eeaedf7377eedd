package io.regionpm.bench.tree;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.openjdk.jmh.infra.Blackhole;

/**
 * One open sorted map of a {@link TreeKind}, as the tree benchmarks drive it: the operations of
 * one workload ({@link LongLong} for A, {@link StringBytes} for B; both do C's scans), plus the
 * hooks a kind needs around them.
 *
 * <ul>
 *   <li>{@link #afterWrite()}: called after every timed {@code put} or {@code remove}; by default
 *       it calls the commit action after every {@code commitEvery}-th write (0: never);</li>
 *   <li>{@link #commit()}: called at the end of a timed phase (load, remove) and of every 10,000
 *       puts of an untimed fill (makes the writes durable where the kind does that);</li>
 *   <li>{@link #close()}: closes the map and deletes its files.</li>
 * </ul>
 * Gets and scans may run on two threads at once ({@code getT2}); writes run on one thread.
 */
public abstract class TreeUnderTest implements AutoCloseable {
    /** What {@link LongLong#get(long)} returns for a missing key (the benchmark's values are never negative). */
    public static final long MISSING = -1;

    private final AutoCloseable closer;
    private final Path dir;
    private final int commitEvery;
    private final Runnable commitAction;
    private int writes;

    /**
     * @param closer       closes the map (may be {@code null})
     * @param dir          a directory this map owns, deleted with everything in it on {@link #close()}
     *                     (may be {@code null})
     * @param commitEvery  0: {@link #afterWrite()} never commits; n: it commits after every n-th write
     * @param commitAction the commit ({@code null}: none)
     */
    protected TreeUnderTest(AutoCloseable closer, Path dir, int commitEvery, Runnable commitAction) {
        this.closer = closer;
        this.dir = dir;
        this.commitEvery = commitEvery;
        this.commitAction = commitAction;
    }

    /** Called after every timed put or remove. */
    public void afterWrite() {
        if (commitEvery > 0 && ++writes == commitEvery) {
            commit();
        }
    }

    /** Called at the end of a timed phase and every 10,000 puts of an untimed fill. */
    public void commit() {
        writes = 0;
        if (commitAction != null) {
            commitAction.run();
        }
    }

    @Override
    public void close() {
        try {
            if (closer != null) {
                closer.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            deleteTree(dir);
        }
    }

    /** @param dir a directory to delete with its contents; {@code null} is ignored */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Workload A's map: {@code long -> long}, signed key order. */
    public abstract static class LongLong extends TreeUnderTest {
        /** @see TreeUnderTest#TreeUnderTest(AutoCloseable, Path, int, Runnable) */
        protected LongLong(AutoCloseable closer, Path dir, int commitEvery, Runnable commitAction) {
            super(closer, dir, commitEvery, commitAction);
        }

        /** @param key the key @return its value, or {@link #MISSING} */
        public abstract long get(long key);

        /** @param key the key @param value the value */
        public abstract void put(long key, long value);

        /** @param key the key @return the value it had, or {@link #MISSING} (kinds whose delete does not return it: 0) */
        public abstract long remove(long key);

        /**
         * Range scan (workload C): visits up to {@code count} entries in ascending key order from
         * the least key {@code >= from}, reading each key and value.
         *
         * @param from  where to start (inclusive)
         * @param count how many entries to visit
         * @return the sum over the visited entries of {@code key * 31 + value} (a checksum the
         *         benchmark verifies once, untimed)
         */
        public abstract long scan(long from, int count);
    }

    /** Workload B's map: 16-byte ASCII string keys (byte order) to 100-byte values. */
    public abstract static class StringBytes extends TreeUnderTest {
        /** @see TreeUnderTest#TreeUnderTest(AutoCloseable, Path, int, Runnable) */
        protected StringBytes(AutoCloseable closer, Path dir, int commitEvery, Runnable commitAction) {
            super(closer, dir, commitEvery, commitAction);
        }

        /** @param key the key @return a copy of its value (a {@code byte[]} the caller owns), or {@code null} */
        public abstract byte[] get(String key);

        /**
         * @param key   the key
         * @param value the value
         * @return the previous value where the kind's put returns it (a {@code Map}), else {@code null}
         */
        public abstract byte[] put(String key, byte[] value);

        /** @param key the key @return the previous value where the kind's delete returns it, else {@code null} */
        public abstract byte[] remove(String key);

        /**
         * Range scan (workload C): visits up to {@code count} entries in ascending key order from
         * the least key {@code >= from}, handing each key (a {@code String}) and value (a
         * {@code byte[]}) to {@code bh}, as a user of a {@code NavigableMap} would get them.
         *
         * @param from  where to start (inclusive)
         * @param count how many entries to visit
         * @param bh    the sink
         * @return the number of entries visited
         */
        public abstract int scan(String from, int count, Blackhole bh);
    }
}
