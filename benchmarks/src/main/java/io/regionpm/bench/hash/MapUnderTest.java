package io.regionpm.bench.hash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One open map of a {@link MapKind}, as the hash-map benchmarks drive it: the {@link Map} (a
 * {@code ConcurrentMap} for every kind but {@code java.util.HashMap}), plus the hooks a kind
 * needs around it.
 *
 * <ul>
 *   <li>{@link #afterWrite()}: called after every timed {@code put} or {@code remove} (MapDB with
 *       transactions commits here, every write or every 1000th);</li>
 *   <li>{@link #commit()}: called at the end of a timed phase (load, remove) and of every
 *       untimed fill (makes the phase's writes durable where the kind does that);</li>
 *   <li>{@link #close()}: closes the map and deletes its files.</li>
 * </ul>
 *
 * @param <K> key type
 * @param <V> value type
 */
public class MapUnderTest<K, V> implements AutoCloseable {
    /** What {@link LongLong#get(long)} returns for a missing key (the benchmark's values are never negative). */
    public static final long MISSING = -1;

    /** The map. */
    public final Map<K, V> map;
    private final AutoCloseable closer;
    private final Path dir;

    /**
     * @param map    the map
     * @param closer closes it (may be {@code null})
     * @param dir    a directory this map owns, deleted with everything in it on {@link #close()}
     *               (may be {@code null})
     */
    public MapUnderTest(Map<K, V> map, AutoCloseable closer, Path dir) {
        this.map = map;
        this.closer = closer;
        this.dir = dir;
    }

    /** Called after every timed put or remove. */
    public void afterWrite() {
    }

    /** Called at the end of a timed phase and of an untimed fill. */
    public void commit() {
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

    /**
     * Workload A's map ({@code long -> long}). The primitive methods box through {@link #map}
     * by default, which is what a user of a boxed {@code Map<Long, Long>} pays; a kind with a
     * primitive API (ours: {@code PersistentLongLongHashMap}) overrides them.
     */
    public static class LongLong extends MapUnderTest<Long, Long> {
        /** @see MapUnderTest#MapUnderTest(Map, AutoCloseable, Path) */
        public LongLong(Map<Long, Long> map, AutoCloseable closer, Path dir) {
            super(map, closer, dir);
        }

        /** @param key the key @return its value, or {@link #MISSING} */
        public long get(long key) {
            Long v = map.get(key);
            return v == null ? MISSING : v;
        }

        /** @param key the key @param value the value */
        public void put(long key, long value) {
            map.put(key, value);
        }

        /** @param key the key @return the value it had, or {@link #MISSING} */
        public long remove(long key) {
            Long v = map.remove(key);
            return v == null ? MISSING : v;
        }
    }

    /**
     * Wraps a map with commit hooks: {@code commitEvery} = 0 never commits in
     * {@link #afterWrite()}, 1 commits after every write, n after every n-th.
     *
     * @param map         the map
     * @param closer      closes it
     * @param dir         its directory, deleted on close
     * @param commitEvery see above
     * @param commit      the commit action
     * @return the map under test
     */
    static MapUnderTest.LongLong committingLongLong(Map<Long, Long> map, AutoCloseable closer, Path dir,
                                                    int commitEvery, Runnable commit) {
        return new MapUnderTest.LongLong(map, closer, dir) {
            private int writes;

            @Override
            public void afterWrite() {
                if (commitEvery > 0 && ++writes == commitEvery) {
                    writes = 0;
                    commit.run();
                }
            }

            @Override
            public void commit() {
                writes = 0;
                commit.run();
            }
        };
    }

    /** The same for any other map; see {@link #committingLongLong}. */
    static <K, V> MapUnderTest<K, V> committing(Map<K, V> map, AutoCloseable closer, Path dir,
                                                int commitEvery, Runnable commit) {
        return new MapUnderTest<>(map, closer, dir) {
            private int writes;

            @Override
            public void afterWrite() {
                if (commitEvery > 0 && ++writes == commitEvery) {
                    writes = 0;
                    commit.run();
                }
            }

            @Override
            public void commit() {
                writes = 0;
                commit.run();
            }
        };
    }
}
