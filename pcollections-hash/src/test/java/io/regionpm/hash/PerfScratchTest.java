package io.regionpm.hash;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import io.regionpm.core.*;
import io.regionpm.testkit.TempTrees;

class PerfScratchTest {
    @Test
    void t() {
        Path dir = TempTrees.newShmDirectory("perf");
        try (Pool pool = Pool.open(dir.resolve("p"), PoolOptions.create(1L << 30).withDurability(Durability.NONE))) {
            PersistentLongLongHashMap map = PersistentLongLongHashMap.open(pool, "ll");
            int n = 1_000_000;
            long[] keys = new java.util.Random(1).longs(n).toArray();
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                for (long k : keys) map.put(k, k + round);
                long t1 = System.nanoTime();
                long sum = 0;
                for (long k : keys) sum += map.getIfAbsent(k, 0);
                long t2 = System.nanoTime();
                for (long k : keys) sum += map.get(k);
                long t3 = System.nanoTime();
                System.out.printf("round %d: put %.0f/s getIfAbsent %.0f/s get %.0f/s size %d %d%n", round, n / ((t1 - t0) / 1e9), n / ((t2 - t1) / 1e9), n / ((t3 - t2) / 1e9), map.size(), sum);
            }
            PersistentHashMap<String, byte[]> m2 = PersistentHashMap.open(pool, "b", Codecs.STRING, Codecs.BYTES);
            byte[] v = new byte[100];
            String[] ks = new String[n];
            for (int i = 0; i < n; i++) ks[i] = String.format("key-%011d", keys[i] & 0xFFFFFFFFFL);
            for (int round = 0; round < 2; round++) {
                long t0 = System.nanoTime();
                for (String k : ks) m2.put(k, v);
                long t1 = System.nanoTime();
                long s = 0;
                for (String k : ks) s += m2.get(k).length;
                long t2 = System.nanoTime();
                System.out.printf("B round %d: put %.0f/s get %.0f/s%n", round, n / ((t1 - t0) / 1e9), n / ((t2 - t1) / 1e9));
            }
        } finally {
            TempTrees.deleteTree(dir);
        }
    }
}
