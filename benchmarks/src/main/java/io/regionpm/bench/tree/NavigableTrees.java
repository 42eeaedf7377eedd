package io.regionpm.bench.tree;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;

import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link TreeUnderTest}s over any {@link NavigableMap} ({@code TreeMap},
 * {@code ConcurrentSkipListMap}, MapDB's {@code BTreeMap}, ours): gets, puts and removes through
 * the {@code Map} methods (workload A boxing, as a user of a {@code NavigableMap<Long, Long>}
 * does), scans through {@code tailMap(from, true).entrySet().iterator()}.
 */
final class NavigableTrees {
    private NavigableTrees() {
    }

    /**
     * @param map          the empty map
     * @param closer       closes it (may be {@code null})
     * @param dir          its directory, deleted on close (may be {@code null})
     * @param commitEvery  see {@link TreeUnderTest#TreeUnderTest(AutoCloseable, Path, int, Runnable)}
     * @param commitAction the commit ({@code null}: none)
     * @return workload A over {@code map}
     */
    static TreeUnderTest.LongLong longLong(NavigableMap<Long, Long> map, AutoCloseable closer, Path dir,
                                           int commitEvery, Runnable commitAction) {
        return new TreeUnderTest.LongLong(closer, dir, commitEvery, commitAction) {
            @Override
            public long get(long key) {
                Long v = map.get(key);
                return v == null ? MISSING : v;
            }

            @Override
            public void put(long key, long value) {
                map.put(key, value);
            }

            @Override
            public long remove(long key) {
                Long v = map.remove(key);
                return v == null ? MISSING : v;
            }

            @Override
            public long scan(long from, int count) {
                Iterator<Map.Entry<Long, Long>> it = map.tailMap(from, true).entrySet().iterator();
                long sum = 0;
                for (int i = 0; i < count && it.hasNext(); i++) {
                    Map.Entry<Long, Long> e = it.next();
                    sum += e.getKey() * 31 + e.getValue();
                }
                return sum;
            }
        };
    }

    /** The same for workload B; see {@link #longLong}. */
    static TreeUnderTest.StringBytes stringBytes(NavigableMap<String, byte[]> map, AutoCloseable closer, Path dir,
                                                 int commitEvery, Runnable commitAction) {
        return new TreeUnderTest.StringBytes(closer, dir, commitEvery, commitAction) {
            @Override
            public byte[] get(String key) {
                return map.get(key);
            }

            @Override
            public byte[] put(String key, byte[] value) {
                return map.put(key, value);
            }

            @Override
            public byte[] remove(String key) {
                return map.remove(key);
            }

            @Override
            public int scan(String from, int count, Blackhole bh) {
                Iterator<Map.Entry<String, byte[]>> it = map.tailMap(from, true).entrySet().iterator();
                int i = 0;
                for (; i < count && it.hasNext(); i++) {
                    Map.Entry<String, byte[]> e = it.next();
                    bh.consume(e.getKey());
                    bh.consume(e.getValue());
                }
                return i;
            }
        };
    }
}
